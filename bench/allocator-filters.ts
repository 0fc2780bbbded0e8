/**
 * The memory of the allocator's offer filters: `--agents` agents and `--frameworks` frameworks
 * (10,000 x 100 by default), every offer declined for ever, round after round, until every
 * framework has filtered every agent (1 million filters). Prints the JS heap per filter (measured
 * after a full GC) and the allocation cycle with them all in place.
 *
 *   npx bun bench/allocator-filters.ts [--agents=10000] [--frameworks=100]
 */
import { parseResources } from "@mesos/core";
import { BENCH_AGENT_CAPABILITIES, benchAllocator, benchFramework } from "./support/bench-allocator.ts";

const arg = (name: string, fallback: string) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const agents = arg("agents", "10000");
const frameworks = arg("frameworks", "100");
const INT_MAX = 2147483647;

const { allocator, clock } = benchAllocator();
const total = parseResources("cpus:24;mem:4096;disk:4096;ports:[31000-32000]");
for (let i = 0; i < frameworks; i++) {
  allocator.addFramework(benchFramework(`framework${i}`), new Map(), true);
}
for (let i = 0; i < agents; i++)
  allocator.addAgent({ id: `agent${i}`, hostname: `agent${i}`, total, capabilities: BENCH_AGENT_CAPABILITIES }, new Map());

const heap = () => {
  Bun.gc(true);
  return process.memoryUsage().heapUsed;
};
const before = heap();
let rounds = 0;
for (;;) {
  clock.advance(1000);
  const offers = allocator.allocate();
  if (offers.length === 0) break;
  for (const o of offers) allocator.recoverResources(o.frameworkId, o.agentId, o.resources, INT_MAX);
  rounds++;
}
const filters = allocator.stats!().offerFilters;
const after = heap();
clock.advance(1000);
const started = performance.now();
allocator.allocate();
const cycle = performance.now() - started;
console.log(
  `allocator-filters: ${agents} agents x ${frameworks} frameworks, ${rounds} rounds of declines: ${filters} filters; ` +
    `${((after - before) / filters).toFixed(0)} B of JS heap each (${((after - before) / 2 ** 20).toFixed(0)} MB); ` +
    `an allocation cycle with them all: ${cycle.toFixed(1)} ms; ${navigator.hardwareConcurrency} cpus`,
);
