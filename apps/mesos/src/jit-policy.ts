/**
 * How JavaScriptCore optimizes a long-running daemon (master, agent, local cluster): its top tier
 * (FTL) takes a function after ten times as many runs as by default (JSC's default is 64,000
 * counts: 15 a call, 1 a loop iteration; here 640,000). A master restarted under 10,000 agents
 * re-registering runs each per-agent function 10,000 times in seconds, and FTL-compiling them
 * (on compiler threads, the same 2 cores) was about a third of its CPU in that burst (JITWorker
 * 1.6 of 5.1 s in `agent-reregistration --over=websocket`; 0.4 of 3.8 s with this). Code that
 * stays hot (per task, per offer) still reaches FTL, after a few seconds more.
 *
 * JSC reads its options from the environment once, as the process starts: a daemon verb executes
 * the binary again (same pid, same arguments) with the option set, unless the environment sets it
 * already (a user's own value, e.g. 64000 for JSC's default, wins).
 */
export const JIT_ENV = { BUN_JSC_thresholdForFTLOptimizeAfterWarmUp: "640000" } as const;

/** Returns if this process runs with the policy's values already; otherwise replaces itself (execve) with one that does. */
export function ensureJitPolicy(): void {
  if (Object.keys(JIT_ENV).every((name) => process.env[name] !== undefined) || !process.execve) return;
  // A compiled binary's argv[1] is its embedded entry point (the binary takes only the verb's
  // arguments); from source, the runtime's own flags come first, then the script.
  const compiled = process.argv[1]?.startsWith("/$bunfs/") ?? false;
  const args = compiled ? process.argv.slice(2) : [...process.execArgv, ...process.argv.slice(1)];
  process.execve(process.execPath, [process.execPath, ...args], { ...process.env, ...JIT_ENV });
}
