/**
 * Isolator plugin API versions. The agent asks a plugin which versions it speaks (Identity) and
 * uses the newest one both know; a plugin with none in common is refused.
 */

/** The versions this code speaks, newest last. */
export const ISOLATOR_API_VERSIONS = ["v1"] as const;
export type IsolatorApiVersion = (typeof ISOLATOR_API_VERSIONS)[number];

/** `v2` > `v1` > `v1beta1` > `v1alpha2`: major first, then GA over beta over alpha, then the number. */
export function compareApiVersions(a: string, b: string): number {
  const key = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [-1, 0, 0];
    const stage = m[2] === "alpha" ? 0 : m[2] === "beta" ? 1 : 2;
    return [Number(m[1]), stage, Number(m[3] ?? 0)];
  };
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** The newest version in both lists, or undefined. */
export function pickApiVersion(theirs: readonly string[], ours: readonly string[] = ISOLATOR_API_VERSIONS): string | undefined {
  return theirs
    .filter((v) => ours.includes(v))
    .sort(compareApiVersions)
    .at(-1);
}
