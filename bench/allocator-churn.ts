/**
 * The allocator while a framework churns at 10,000 agents (state-endpoint's churn phase, alone and
 * in one process): `--agents` agents each with `--frameworks` frameworks' tasks on it, whose
 * leftovers they declined for an hour, and one more framework that declines every offer with a
 * `--refuse_secs` filter each cycle (a framework at its in-flight limit), after it ran a task on every
 * agent (so the others' filters no longer match the agents' availability as it was). Prints the CPU of a cycle
 * (p50 over `--cycles`, one a second on a manual clock) and of recovering its offers.
 *
 *   npx bun bench/allocator-churn.ts [--agents=10000] [--frameworks=10] [--refuse_secs=1] [--cycles=30]
 */
import { parseResources } from "@mesos/core";
import { BENCH_AGENT_CAPABILITIES, benchAllocator, benchFramework } from "./support/bench-allocator.ts";
import { loadavg } from "node:os";

const arg = (name: string, fallback: string) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const agents = arg("agents", "10000");
const frameworks = arg("frameworks", "10");
const refuseSecs = arg("refuse_secs", "1");
const cycles = arg("cycles", "30");
const HOUR = 3600;

const { allocator, clock } = benchAllocator();
// As the hollow agents of state-endpoint: 10 tasks of 0.1 cpus and 32 MB each, 0.1 cpus and 64 MB to spare.
const total = parseResources("cpus:1.1;mem:384;disk:1000");
const task = parseResources("cpus:0.1;mem:32");
const ids = Array.from({ length: frameworks }, (_, f) => `fw${f}`);
for (const id of ids) allocator.addFramework(benchFramework(id), new Map(), true);
for (let i = 0; i < agents; i++) {
  // Every framework's task on this agent (the used resources an agent reports), with allocation info.
  const used = new Map(ids.map((id) => [id, task.allocate("*")]));
  allocator.addAgent({ id: `agent${i}`, hostname: `agent${i}`, total, capabilities: BENCH_AGENT_CAPABILITIES }, used);
}
// The leftovers go round until every framework has declined them for an hour.
for (;;) {
  clock.advance(1000);
  const offers = allocator.allocate();
  if (offers.length === 0) break;
  for (const o of offers) allocator.recoverResources(o.frameworkId, o.agentId, o.resources, HOUR);
}
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const settled: number[] = [];
for (let i = 0; i < 5; i++) {
  clock.advance(1000);
  const t = cpu();
  allocator.allocate();
  settled.push(cpu() - t);
}
allocator.addFramework(benchFramework("churn"), new Map(), true);
// A churn task has run on every agent since the others declined (as after a few minutes of churn, or
// a launch phase where frameworks took resources after others had declined them): the agents'
// availability is no longer what the settled frameworks' filters saw.
clock.advance(1000);
const churnTask = task.allocate("*");
for (const o of allocator.allocate()) {
  allocator.recoverResources(o.frameworkId, o.agentId, o.resources.minus(churnTask), 0);
  allocator.recoverResources(o.frameworkId, o.agentId, churnTask, 0);
}
const cycleMs: number[] = [];
const recoverMs: number[] = [];
let offered = 0;
for (let i = 0; i < cycles; i++) {
  clock.advance(i === 0 ? 1000 : 980);
  let t = cpu();
  const offers = allocator.allocate();
  cycleMs.push(cpu() - t);
  offered += offers.length;
  // The declines come back a little after the offers.
  clock.advance(20);
  t = cpu();
  for (const o of offers) allocator.recoverResources(o.frameworkId, o.agentId, o.resources, refuseSecs);
  recoverMs.push(cpu() - t);
}
const p50 = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `allocator-churn: ${agents} agents, ${frameworks} settled frameworks + 1 declining for ${refuseSecs} s; settled cycle p50 ${p50(settled).toFixed(1)} ms of CPU; ` +
    `churning: ${(offered / cycles).toFixed(0)} offers a cycle, cycle p50 ${p50(cycleMs).toFixed(1)} ms of CPU, recovering them p50 ${p50(recoverMs).toFixed(1)} ms; ` +
    `load ${loadavg()[0]!.toFixed(1)} on ${navigator.hardwareConcurrency} cpus`,
);
