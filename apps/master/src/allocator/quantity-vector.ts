/**
 * Resource quantities on the allocator's hot paths are plain Float64Arrays indexed by an interned
 * resource-name id, holding fixed-point amounts (thousandths, as Mesos's Value::Scalar does), so
 * adding and comparing them is integer arithmetic on doubles: exact, allocation-free and fast.
 *
 * Every vector the allocator keeps has length `names.capacity`. Interning a name past the capacity
 * grows the capacity; the allocator then re-sizes its vectors once (see `growVector`), so hot code
 * never has to check lengths.
 */
import { toFixed, type Quantities } from "@mesos/core";

export type QVec = Float64Array;

export class NameTable {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  capacity = 16;
  /** Called after the capacity grew, so holders of vectors can re-size them. */
  onGrow: (() => void) | undefined;

  get size(): number {
    return this.names.length;
  }

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
      if (id >= this.capacity) {
        while (id >= this.capacity) this.capacity *= 2;
        this.onGrow?.();
      }
    }
    return id;
  }

  lookup(name: string): number | undefined {
    return this.ids.get(name);
  }

  vector(): QVec {
    return new Float64Array(this.capacity);
  }
}

/** A copy of `v` at the table's current capacity (returns `v` itself if already big enough). */
export function growVector(v: QVec, capacity: number, fill = 0): QVec {
  if (v.length >= capacity) return v;
  const out = new Float64Array(capacity);
  if (fill !== 0) out.fill(fill);
  out.set(v);
  return out;
}

/** Quantities (`name -> amount`) as a fixed-point vector; names are interned. */
export function vectorOf(q: Quantities, names: NameTable, fill = 0): QVec {
  for (const name of q.keys()) names.id(name);
  const v = names.vector();
  if (fill !== 0) v.fill(fill);
  for (const [name, amount] of q) v[names.id(name)] = toFixed(amount);
  return v;
}
