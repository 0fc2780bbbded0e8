/**
 * A value kept per owner (an agent, a framework) while what it was computed from is the same: the
 * inputs are compared one by one with `===`. The master's owners replace what changes (an agent's
 * total, its info, its link) rather than editing it in place, so identity is the version.
 */
export class Memo<K extends object, V> {
  private readonly entries = new WeakMap<K, { inputs: readonly unknown[]; value: V }>();

  get(owner: K, inputs: readonly unknown[], compute: () => V): V {
    const known = this.entries.get(owner);
    if (known && known.inputs.length === inputs.length && known.inputs.every((x, i) => x === inputs[i])) return known.value;
    const value = compute();
    this.entries.set(owner, { inputs, value });
    return value;
  }
}
