/**
 * Prints the functions with the most self time (and total time) in a .cpuprofile written by
 * `bun --cpu-prof`:  npx bun bench/support/cpuprofile-summary.ts <file.cpuprofile> [top=25] [--under=fn]
 * With --under, only samples whose stack contains a function of that name count (e.g. `allocate`).
 * Each sample counts as one sampling interval (1 ms by default; --interval_us=N otherwise): the
 * time since the previous sample, which JSC also records, holds the idle time before it, so an
 * idle process's first function after a wait would look hot. With --last=SECONDS only the samples
 * of the profile's last SECONDS count (a steady state after a set-up); --skip_last=SECONDS leaves
 * out the end (a shutdown).
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const under = process.argv.find((a) => a.startsWith("--under="))?.slice("--under=".length);
const intervalUs = Number(process.argv.find((a) => a.startsWith("--interval_us="))?.slice("--interval_us=".length) ?? 1000);
const lastSeconds = Number(process.argv.find((a) => a.startsWith("--last="))?.slice("--last=".length) ?? Number.POSITIVE_INFINITY);
const skipLast = Number(process.argv.find((a) => a.startsWith("--skip_last="))?.slice("--skip_last=".length) ?? 0);
const [file, topArg] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (!file) throw new Error("usage: cpuprofile-summary.ts <file.cpuprofile> [top]");
const profile = JSON.parse(readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<string, number>();
const total = new Map<string, number>();
const label = (n: Node) =>
  `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
let all = 0;
const stackHas = (id: number, name: string) => {
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)!.callFrame.functionName === name) return true;
  return false;
};
// Each sample's time since the profile's start (timeDeltas are in µs), for --last and --skip_last.
const at: number[] = [];
profile.timeDeltas.reduce((t, dt, i) => (at[i] = t + dt), 0);
const to = (at.at(-1) ?? 0) - skipLast * 1e6;
const from = to - lastSeconds * 1e6;
profile.samples.forEach((id, i) => {
  const dt = intervalUs;
  if (at[i]! < from || at[i]! > to) return;
  if (under && !stackHas(id, under)) return;
  all += dt;
  const n = byId.get(id)!;
  self.set(label(n), (self.get(label(n)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
});
const top = Number(topArg ?? 25);
const fmt = (us: number) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / all).toFixed(1).padStart(5)}%`;
console.log(`total ${(all / 1000).toFixed(1)} ms\n-- self --`);
for (const [l, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(us)}  ${l}`);
console.log("-- total --");
for (const [l, us] of [...total].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(us)}  ${l}`);
