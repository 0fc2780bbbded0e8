/**
 * `mesos local`: a master and one agent in one process, for a first try and for tests. State
 * lives under --work_dir (default: a fresh temp dir); the master listens on --port (5050) and the
 * agent on the next free port.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flag, parseFlags } from "@mesos/core";
import { agentFlagSpecs, startAgent } from "@mesos/agent";
import { createHierarchicalAllocator, masterFlagSpecs, startMaster } from "@mesos/master";
import { daemonLogger, loadFlags, selfCommand, untilSignalled } from "./load-flags.ts";

const localFlagSpecs = {
  work_dir: flag.string("Where the master and agent keep their state (default: a new temp dir)"),
  ip: flag.string("IP address to listen on", { default: "127.0.0.1" }),
  port: flag.int("The master's port", { default: 5050 }),
  agent_port: flag.int("The agent's port (0 = any free port)", { default: 0 }),
  resources: flag.string("The agent's resources (detected when absent)"),
  isolation: flag.string("The agent's isolators"),
  logging_level: flag.oneOf(["debug", "info", "warning", "error"] as const)("Least severe log level shown", { default: "info" }),
};

export async function runLocal(argv: string[]): Promise<number> {
  const flags = loadFlags("local", localFlagSpecs, argv);
  if ("exitCode" in flags) return flags.exitCode;
  const f = flags.values;
  const workDir = f.work_dir ?? mkdtempSync(join(tmpdir(), "mesos-local-"));
  const log = daemonLogger("local", f.logging_level);
  try {
    const masterFlags = parseFlags(masterFlagSpecs, [`--work_dir=${join(workDir, "master")}`, `--ip=${f.ip}`, `--port=${f.port}`], {});
    const master = await startMaster({
      flags: masterFlags.values,
      effectiveFlags: masterFlags.effective,
      log: log.child("master"),
      createAllocator: createHierarchicalAllocator,
    });
    const agentArgv = [`--master=${f.ip}:${master.port}`, `--work_dir=${join(workDir, "agent")}`, `--ip=${f.ip}`, `--port=${f.agent_port}`];
    if (f.resources) agentArgv.push(`--resources=${f.resources}`);
    if (f.isolation) agentArgv.push(`--isolation=${f.isolation}`);
    const agentFlags = parseFlags(agentFlagSpecs, agentArgv, {});
    const agent = await startAgent({
      flags: agentFlags.values,
      effectiveFlags: agentFlags.effective,
      log: log.child("agent"),
      launchHelperCommand: selfCommand(),
    });
    await agent.registered;
    console.log(
      [
        `Mesos is running: master ${master.url}, agent ${agent.url}, state in ${workDir}`,
        "",
        "Next, in another terminal:",
        `  ./dist/mesos execute --master=${f.ip}:${master.port} --name=hello --command='echo hello'`,
        `  curl -s ${master.url}/state`,
        "",
        "Press Ctrl-C to stop.",
      ].join("\n"),
    );
    await untilSignalled();
    await agent.stop();
    await master.stop();
    return 0;
  } catch (e) {
    log.error(`Failed to start the local cluster: ${(e as Error).message}`);
    return 1;
  }
}
