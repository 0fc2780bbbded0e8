/**
 * `mesos local`: a master and one agent in one process, for a first try and for tests. State
 * lives under --work_dir (default: a fresh temp dir); the master listens on --port (5050) and the
 * agent on --agent_port (any free port). As Mesos's `mesos-local`, it takes every master and every
 * agent flag (also from the environment, `MESOS_X`): each goes to the daemon that knows it, to both
 * if both do, and is checked as that daemon checks it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flag, FlagError, type FlagSpecs, type FlagValues, isMesosError, parseFlags } from "@mesos/core";
import { agentFlagSpecs, type RunningAgent, startAgent, validateAgentFlags } from "@mesos/agent";
import { createHierarchicalAllocator, masterFlagSpecs, type RunningMaster, startMaster, validateMasterFlags } from "@mesos/master";
import { daemonLogger, loadFlags, selfCommand, untilSignalled } from "./load-flags.ts";

/** `mesos local`'s own flags; they win over the master's and the agent's flags of the same name. */
const ownFlagSpecs = {
  work_dir: flag.string("Where the master and agent keep their state (default: a new temp dir)"),
  ip: flag.ipv4("IP address to listen on", { default: "127.0.0.1" }),
  port: flag.port("The master's port", { default: 5050 }),
  agent_port: flag.port("The agent's port (0 = any free port)", { default: 0 }),
  logging_level: flag.logLevel("Least severe log level shown: INFO, WARNING or ERROR (DEBUG also shows debug lines)", { default: "INFO" }),
};

/** Every flag `mesos local` takes; the agent's --master is not one (the agent registers with this master). */
const { master: _agentMaster, ...agentOnlyFlags } = agentFlagSpecs;
const localFlagSpecs = { ...agentOnlyFlags, ...masterFlagSpecs, ...ownFlagSpecs };

/** The flag a command-line argument sets (`--name=value`, `--name`, `--no-name`). */
function flagName(arg: string): string {
  const name = arg.slice(2).split("=")[0]!;
  return name.startsWith("no-") && !(name in localFlagSpecs) ? name.slice(3) : name;
}

/** The arguments that go to the master and to the agent (`mesos local`'s own stay here). */
function routeFlags(argv: string[]): { master: string[]; agent: string[] } {
  const out = { master: [] as string[], agent: [] as string[] };
  for (const arg of argv) {
    const name = flagName(arg);
    if (name in ownFlagSpecs) continue;
    if (name in masterFlagSpecs) out.master.push(arg);
    // A port is one daemon's: --advertise_port is the master's (the agent's port is --agent_port).
    if (name in agentFlagSpecs && name !== "advertise_port") out.agent.push(arg);
  }
  return out;
}

/** Flags of one daemon built from `mesos local`'s own, checked as that daemon would check them. */
function daemonFlags<S extends FlagSpecs>(specs: S, argv: string[], validate: (v: FlagValues<S>) => string | undefined) {
  const parsed = parseFlags(specs, argv);
  const error = validate(parsed.values);
  if (error) throw new FlagError(error);
  return parsed;
}

export async function runLocal(argv: string[]): Promise<number> {
  const flags = loadFlags("local", localFlagSpecs, argv);
  if ("exitCode" in flags) return flags.exitCode;
  const f = flags.values;
  const workDir = f.work_dir ?? mkdtempSync(join(tmpdir(), "mesos-local-"));
  const log = daemonLogger("local", f.logging_level);
  let master: RunningMaster | undefined;
  let agent: RunningAgent | undefined;
  try {
    const routed = routeFlags(argv);
    const masterFlags = daemonFlags(
      masterFlagSpecs,
      [...routed.master, `--work_dir=${join(workDir, "master")}`, `--ip=${f.ip}`, `--port=${f.port}`],
      validateMasterFlags,
    );
    // The agent's --master is filled in once the master has its port; its other flags are checked first.
    const agentArgv = [...routed.agent, `--work_dir=${join(workDir, "agent")}`, `--ip=${f.ip}`, `--port=${f.agent_port}`];
    daemonFlags(agentFlagSpecs, [`--master=${f.ip}:${f.port}`, ...agentArgv], validateAgentFlags);

    master = await startMaster({
      flags: masterFlags.values,
      effectiveFlags: masterFlags.effective,
      log: log.child("master"),
      createAllocator: createHierarchicalAllocator,
    });
    const agentFlags = daemonFlags(agentFlagSpecs, [`--master=${f.ip}:${master.port}`, ...agentArgv], validateAgentFlags);
    agent = await startAgent({
      flags: agentFlags.values,
      effectiveFlags: agentFlags.effective,
      log: log.child("agent"),
      launchHelperCommand: selfCommand(),
    });
    await agent.registered;
  } catch (e) {
    const message = (e as Error).message;
    if (e instanceof FlagError || isMesosError(e, "invalid")) console.error(`${message}\n\nSee 'mesos local --help' for the flags.`);
    else log.error(`Failed to start the local cluster: ${message}`);
    await agent?.stop();
    await master?.stop();
    return 1;
  }
  console.log(
    [
      `Mesos is running: master ${master.url}, agent ${agent.url}, state in ${workDir}`,
      "",
      "Next, in another terminal:",
      `  ./dist/mesos execute --master=${f.ip}:${master.port} --name=hello --command='echo hello'`,
      `  curl -s ${master.url}/state`,
      "",
      `The web UI: ${master.url}/`,
      "",
      "Press Ctrl-C to stop.",
    ].join("\n"),
  );
  await untilSignalled();
  await agent.stop();
  await master.stop();
  return 0;
}
