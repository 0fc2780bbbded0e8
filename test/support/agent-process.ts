/**
 * An agent in a process of its own, run from source (`bun apps/mesos/src/main.ts agent ...`), so a
 * test can kill -9 it and start it again on the same work dir.
 */
import { join } from "node:path";
import { REPO_ROOT } from "./cluster.ts";
import { type Daemon, startProcess, stopAllProcesses } from "./processes.ts";

export type AgentProcess = Daemon;

export function startAgentProcess(args: string[]): AgentProcess {
  return startProcess([process.execPath, join(REPO_ROOT, "apps/mesos/src/main.ts"), "agent", ...args], "the agent");
}

export const stopAgentProcesses = stopAllProcesses;
