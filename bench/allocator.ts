/**
 * The Mesos allocator benchmarks (src/tests/hierarchical_allocator_{tests,benchmarks}.cpp), run
 * in-process against the hierarchical allocator with a manual clock. Set-up is not timed; each case
 * times exactly one allocation cycle and prints
 *
 *   <case> agents=A frameworks=F roles=R quota=on|off cycle_ms=X offers=N
 *
 * (lines starting with `#` are extra checks and notes).
 *
 *   npx bun bench/allocator.ts                      # default set
 *   npx bun bench/allocator.ts DeclineOffers        # one case (default points)
 *   npx bun bench/allocator.ts DeclineOffers:10000x1000 NonQuotaVsQuota:1000
 *   npx bun bench/allocator.ts DeclineOffers:grid   # the full agents x frameworks grid
 *   npx bun bench/allocator.ts DeclineOffers:10000x1000@20   # time round 20 instead of round 1
 *   npx bun bench/allocator.ts --no-warmup ...       # skip the JIT warm-up pass
 *
 * Before measuring, every case runs once at a small size (not printed) so that the cycle being
 * timed runs JIT-compiled code, as a long-running master's does; C++ Mesos needs no warm-up.
 * LargeAndSmallQuota and NonQuotaVsQuota are cheap to set up, so each point is set up REPEAT (5)
 * times and the median cycle is printed (the quota/no-quota ratio compares medians, alternating
 * quota off and on, in one run); DeclineOffers is timed once per point.
 *
 * DeclineOffers mirrors Mesos: every agent `cpus:24;mem:4096;disk:4096;ports:[31000-32000]`, of
 * which `cpus:16;mem:2014;disk:1024` and 16 port fragments are in use by framework i % F; round 0
 * offers everything, every offer is declined with refuse_seconds = INT_MAX, and the timed cycle is
 * round 1, the first one run against those filters (with 1 framework it offers nothing at all).
 */
import { type ManualClock, parseResources, type Resources } from "@mesos/core";
import { BENCH_AGENT_CAPABILITIES, benchAllocator, benchFramework } from "./support/bench-allocator.ts";
import type { Allocation, Allocator } from "@mesos/master/allocator";

const INT_MAX = 2147483647;

interface Setup {
  allocator: Allocator;
  clock: ManualClock;
}

const setup: (seed?: number) => Setup = benchAllocator;

/** One timed cycle (after advancing the clock by the interval, as Mesos's benchmarks do). */
function timedCycle(s: Setup): { ms: number; offers: Allocation[] } {
  s.clock.advance(1000);
  Bun.gc(true);
  const start = performance.now();
  const offers = s.allocator.allocate();
  return { ms: performance.now() - start, offers };
}

function note(text: string): void {
  if (!quiet) console.log(text);
}

function line(name: string, agents: number, frameworks: number, roles: number, quota: boolean, ms: number, offers: number): void {
  if (quiet) return;
  console.log(
    `${name} agents=${agents} frameworks=${frameworks} roles=${roles} quota=${quota ? "on" : "off"} cycle_ms=${ms.toFixed(1)} offers=${offers}`,
  );
}

/** Mesos's fragment(): `count` ranges from the front of [begin, end], the last one up to `end`. */
function fragment(begin: number, end: number, count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const b = begin + 2 * i;
    parts.push(i === count - 1 ? `${b}-${end}` : `${b}-${b}`);
  }
  return `[${parts.join(",")}]`;
}

let quiet = false;

function declineOffers(agents: number, frameworks: number, rounds = 1): void {
  const s = setup();
  const total = parseResources("cpus:24;mem:4096;disk:4096;ports:[31000-32000]");
  const used = parseResources(`cpus:16;mem:2014;disk:1024;ports:${fragment(31000, 32000, 16)}`).allocate("*");
  const ids: string[] = [];
  for (let i = 0; i < frameworks; i++) {
    ids.push(`framework${i}`);
    s.allocator.addFramework(benchFramework(ids[i]!, ["*"]), new Map(), true);
  }
  for (let i = 0; i < agents; i++) {
    s.allocator.addAgent(
      { id: `agent${i}`, hostname: `agent${i}`, total, capabilities: BENCH_AGENT_CAPABILITIES },
      new Map([[ids[i % frameworks]!, used]]),
    );
  }
  s.clock.advance(1000);
  const round0 = s.allocator.allocate();
  let previous = round0;
  let timed = { ms: 0, offers: round0 };
  for (let round = 1; round <= rounds; round++) {
    for (const o of previous) s.allocator.recoverResources(o.frameworkId, o.agentId, o.resources, INT_MAX);
    timed = timedCycle(s);
    previous = timed.offers;
  }
  const { ms, offers } = timed;
  line("DeclineOffers", agents, frameworks, 1, false, ms, offers.length);
  note(
    `# DeclineOffers ${agents}x${frameworks}: timed round ${rounds}; every earlier round's offers declined for INT_MAX s (round 0 made ${round0.length})`,
  );
}

const REPEAT = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function largeAndSmallQuota(small: number, large: number, perRole: number): void {
  const runs = Array.from({ length: quiet ? 1 : REPEAT }, () => largeAndSmallQuotaOnce(small, large, perRole));
  const agents = small / 5 + 5 * large;
  line("LargeAndSmallQuota", agents, (small + large) * perRole, small + large, true, median(runs.map((r) => r.ms)), runs[0]!.offers);
  const next = Math.max(...runs.map((r) => r.next));
  note(`# LargeAndSmallQuota ${agents}: next cycle offers=${next} (must be 0) ${next === 0 ? "OK" : "FAIL"}; median of ${runs.length} set-ups`);
}

function largeAndSmallQuotaOnce(small: number, large: number, perRole: number): { ms: number; offers: number; next: number } {
  const s = setup();
  const agents = small / 5 + 5 * large;
  const total = parseResources("cpus:2;mem:2048;disk:2048");
  const smallQuota = new Map([
    ["cpus", 1],
    ["mem", 1024],
    ["disk", 1024],
  ]);
  const largeQuota = new Map([
    ["cpus", 4],
    ["mem", 4096],
    ["disk", 4096],
  ]);
  const addRole = (role: string, quota: Map<string, number>) => {
    s.allocator.updateQuota(role, { guarantees: quota, limits: quota });
    for (let j = 0; j < perRole; j++) s.allocator.addFramework(benchFramework(`framework-${role}-${j}`, [role]), new Map(), true);
  };
  for (let i = 0; i < small; i++) addRole(`small-${i}`, smallQuota);
  for (let i = 0; i < large; i++) addRole(`large-${i}`, largeQuota);
  for (let i = 0; i < agents; i++)
    s.allocator.addAgent({ id: `agent${i}`, hostname: `agent${i}`, total, capabilities: BENCH_AGENT_CAPABILITIES }, new Map());
  const { ms, offers } = timedCycle(s);
  return { ms, offers: offers.length, next: timedCycle(s).offers.length };
}

/** Median cycles of REPEAT fresh set-ups each, quota off and on alternating. */
function nonQuotaVsQuota(roles: number): void {
  const off: { ms: number; offers: number; next: number }[] = [];
  const on: typeof off = [];
  for (let i = 0; i < (quiet ? 1 : REPEAT); i++) {
    off.push(nonQuotaVsQuotaOnce(roles, false));
    on.push(nonQuotaVsQuotaOnce(roles, true));
  }
  for (const [runs, quota] of [
    [off, false],
    [on, true],
  ] as const) {
    line("NonQuotaVsQuota", roles * 2, roles * 2, roles, quota, median(runs.map((r) => r.ms)), runs[0]!.offers);
    const next = Math.max(...runs.map((r) => r.next));
    note(
      `# NonQuotaVsQuota ${roles} roles quota=${quota ? "on" : "off"}: next cycle offers=${next} (must be 0) ${next === 0 ? "OK" : "FAIL"}; median of ${runs.length} set-ups`,
    );
  }
  note(`# NonQuotaVsQuota ${roles} roles: quota/no-quota cycle ratio ${(median(on.map((r) => r.ms)) / median(off.map((r) => r.ms))).toFixed(2)}`);
}

function nonQuotaVsQuotaOnce(roles: number, withQuota: boolean): { ms: number; offers: number; next: number } {
  const s = setup();
  const agentsPerRole = 2;
  const frameworksPerRole = 2;
  const total = parseResources("cpus:2;mem:2048;disk:2048");
  const quota = new Map([
    ["cpus", 2 * agentsPerRole],
    ["mem", 2048 * agentsPerRole],
    ["disk", 2048 * agentsPerRole],
  ]);
  for (let r = 0; r < roles; r++) {
    const role = `role${r}`;
    if (withQuota) s.allocator.updateQuota(role, { guarantees: quota, limits: quota });
    for (let j = 0; j < frameworksPerRole; j++) s.allocator.addFramework(benchFramework(`framework-${role}-${j}`, [role]), new Map(), true);
  }
  const agents = roles * agentsPerRole;
  for (let i = 0; i < agents; i++)
    s.allocator.addAgent({ id: `agent${i}`, hostname: `agent${i}`, total, capabilities: BENCH_AGENT_CAPABILITIES }, new Map());
  const { ms, offers } = timedCycle(s);
  return { ms, offers: offers.length, next: timedCycle(s).offers.length };
}

interface TaskProfile {
  role: string;
  remaining: number;
  task: Resources;
  maxPerOffer: number;
}

function multiFrameworkAllocations(): void {
  const s = setup();
  const agents = 80;
  const total = parseResources("cpus:64;mem:488000");
  const profiles = new Map<string, TaskProfile>();
  const addFrameworks = (prefix: string, count: number, role: (i: number) => string, tasks: number, task: string, maxPerOffer: number) => {
    for (let i = 0; i < count; i++) {
      const id = `${prefix}-${i}`;
      const r = role(i);
      profiles.set(id, { role: r, remaining: tasks, task: parseResources(task).allocate(r), maxPerOffer });
      s.allocator.addFramework(benchFramework(id, [r]), new Map(), true);
    }
  };
  addFrameworks("marathon", 4, (i) => `roleA-${i}`, 4000, "cpus:0.07;mem:400", 100);
  addFrameworks("jenkins", 500, () => "roleB", 5, "cpus:0.1;mem:4000", 1);
  addFrameworks("spark", 50, (i) => `roleC-${i}`, 20, "cpus:1;mem:1000", 5);
  for (let i = 0; i < agents; i++)
    s.allocator.addAgent({ id: `agent${i}`, hostname: `agent${i}`, total, capabilities: BENCH_AGENT_CAPABILITIES }, new Map());

  const totalTasks = [...profiles.values()].reduce((n, p) => n + p.remaining, 0);
  let launched = 0;
  let rounds = 0;
  let first: { ms: number; offers: number } | undefined;
  let allMs = 0;
  const started = performance.now();
  while (launched < totalTasks && performance.now() - started < 30_000) {
    const { ms, offers } = timedCycle(s);
    rounds++;
    allMs += ms;
    first ??= { ms, offers: offers.length };
    for (const offer of offers) {
      const p = profiles.get(offer.frameworkId)!;
      let left = offer.resources;
      let n = 0;
      while (p.remaining > 0 && n < p.maxPerOffer && left.contains(p.task)) {
        left = left.minus(p.task);
        p.remaining--;
        n++;
      }
      launched += n;
      s.allocator.recoverResources(offer.frameworkId, offer.agentId, left, 0);
    }
  }
  line("MultiFrameworkAllocations", agents, profiles.size, 4 + 1 + 50, false, first?.ms ?? 0, first?.offers ?? 0);
  note(`# MultiFrameworkAllocations: launched ${launched}/${totalTasks} tasks in ${rounds} cycles, ${allMs.toFixed(1)} ms in allocate() overall`);
}

const DECLINE_DEFAULT: [number, number][] = [
  [1000, 1],
  [1000, 50],
  [5000, 100],
  [5000, 500],
  [10000, 1],
  [10000, 200],
  [10000, 1000],
  [20000, 2000],
  [30000, 3000],
  [50000, 6000],
];
const AGENT_GRID = [1000, 5000, 10000, 20000, 30000, 50000];
const FRAMEWORK_GRID = [1, 50, 100, 200, 500, 1000, 3000, 6000];

function run(spec: string): void {
  const [name, arg] = spec.split(":");
  switch (name) {
    case "DeclineOffers": {
      const [point, round] = (arg ?? "").split("@");
      let points = DECLINE_DEFAULT;
      if (point === "grid") points = AGENT_GRID.flatMap((a) => FRAMEWORK_GRID.map((f): [number, number] => [a, f]));
      else if (point) points = [point.split("x").map(Number) as [number, number]];
      for (const [a, f] of points) declineOffers(a, f, round ? Number(round) : 1);
      break;
    }
    case "LargeAndSmallQuota": {
      const points: [number, number][] = [
        [25, 5],
        [250, 50],
        [2500, 500],
      ];
      for (const [small, large] of points) if (!arg || Number(arg) === small / 5 + 5 * large) largeAndSmallQuota(small, large, 1);
      break;
    }
    case "NonQuotaVsQuota": {
      for (const roles of arg ? [Number(arg)] : [10, 100, 1000]) nonQuotaVsQuota(roles);
      break;
    }
    case "MultiFrameworkAllocations":
      multiFrameworkAllocations();
      break;
    default:
      throw new Error(`Unknown case '${spec}' (DeclineOffers, LargeAndSmallQuota, NonQuotaVsQuota, MultiFrameworkAllocations)`);
  }
}

function warmUp(): void {
  quiet = true;
  declineOffers(2000, 50, 3);
  declineOffers(2000, 1, 1);
  largeAndSmallQuota(250, 50, 1);
  nonQuotaVsQuota(200);
  quiet = false;
}

const args = process.argv.slice(2).filter((a) => a !== "--no-warmup");
if (!process.argv.includes("--no-warmup")) warmUp();
for (const spec of args.length > 0 ? args : ["DeclineOffers", "LargeAndSmallQuota", "NonQuotaVsQuota", "MultiFrameworkAllocations"]) run(spec);
