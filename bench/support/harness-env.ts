/**
 * The environment of the benches' own processes, set where a bench runs itself again
 * (hollow-agents.ts's ensureManyFetches). The harness's processes (the hollow agents', a bench's
 * frameworks) keep the memory they free for their next allocations: Bun's allocator (mimalloc)
 * otherwise hands freed pages back to the kernel within milliseconds (madvise, with a TLB flush on every core) and faults them in
 * again at the next task; that churn was 15% of the hollow agents' CPU (perf: madvise 8%, page
 * faults 6%). Their CPU a task, end to end: hollow agents 0.55 -> 0.47 ms, frameworks 0.42 ->
 * 0.30 ms (load 7-11). `mesos agent` and `mesos master` set the same for themselves
 * (apps/mesos/src/keep-freed-memory.ts). The master is not a harness process: it runs with the
 * environment a user gives it (bench-cluster.ts's startMasterProcess takes these out again).
 */
const HARNESS_ALLOCATOR_ENV: Record<string, string> = { MIMALLOC_PURGE_DELAY: "-1" };
/** Names the variables of HARNESS_ALLOCATOR_ENV the harness added itself (a user's own stay everywhere). */
export const HARNESS_ADDED_ENV = "MESOS_BENCH_HARNESS_ADDED_ENV";

/** What a harness process runs with: the settings the environment does not set already, and their names. */
export function harnessAllocatorEnv(): Record<string, string> {
  const added = Object.fromEntries(Object.entries(HARNESS_ALLOCATOR_ENV).filter(([name]) => process.env[name] === undefined));
  return { ...added, [HARNESS_ADDED_ENV]: Object.keys(added).join(",") };
}
