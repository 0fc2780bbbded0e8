/** `mesos agent`: runs an agent until SIGINT/SIGTERM (or until the master refuses it). */
import { agentFlagSpecs, startAgent, validateAgentFlags } from "@mesos/agent";
import { daemonLogger, loadFlags, selfCommand, untilSignalled } from "./load-flags.ts";

export async function runAgent(argv: string[]): Promise<number> {
  const flags = loadFlags("agent", agentFlagSpecs, argv, validateAgentFlags);
  if ("exitCode" in flags) return flags.exitCode;
  const log = daemonLogger("agent", flags.values.logging_level);
  let refused: (reason: string) => void = () => {};
  const refusal = new Promise<string>((r) => (refused = r));
  let agent;
  try {
    agent = await startAgent({
      flags: flags.values,
      effectiveFlags: flags.effective,
      log,
      launchHelperCommand: selfCommand(),
      onFatal: refused,
    });
  } catch (e) {
    log.error(`Failed to start the agent: ${(e as Error).message}`);
    return 1;
  }
  const outcome = await Promise.race([untilSignalled(), refusal.then((r) => ({ refused: r }))]);
  await agent.stop();
  // Stopped is stopped: a connection or timer left in a library must not keep the process up.
  setTimeout(() => process.exit(), 200).unref();
  if (typeof outcome === "object") return 1;
  log.info(`Received ${outcome}; stopped (running tasks keep running and are recovered on restart)`);
  return 0;
}
