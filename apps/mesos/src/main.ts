/**
 * The `mesos` binary. One file is a master, an agent, a local cluster and a CLI; each verb
 * lazy-imports only the app it needs, so `mesos __launch` (run once per container) starts fast.
 */
import { VERSION_TEXT } from "@mesos/core";

interface Verb {
  summary: string;
  hidden?: boolean;
  run(argv: string[]): Promise<number>;
}

const verbs: Record<string, Verb> = {
  master: {
    summary: "run a master",
    run: async (argv) => (await import("./verbs/master.ts")).runMaster(argv),
  },
  agent: {
    summary: "run an agent (or `mesos agent list`)",
    run: async (argv) =>
      argv[0] === "list"
        ? (await import("@mesos/cli")).runCli(["agent", ...argv])
        : (await import("./verbs/agent.ts")).runAgent(argv),
  },
  local: {
    summary: "run a master and one agent in one process",
    run: async (argv) => (await import("./verbs/local.ts")).runLocal(argv),
  },
  execute: {
    summary: "run one command as a task and wait for it",
    run: async (argv) => (await import("@mesos/cli")).runCli(["execute", ...argv]),
  },
  task: {
    summary: "list tasks, attach to one, or exec in one",
    run: async (argv) => (await import("@mesos/cli")).runCli(["task", ...argv]),
  },
  framework: {
    summary: "list frameworks",
    run: async (argv) => (await import("@mesos/cli")).runCli(["framework", ...argv]),
  },
  __launch: {
    summary: "container launch helper (internal)",
    hidden: true,
    run: async (argv) => (await import("@mesos/agent/launch-helper")).runLaunchHelper(argv),
  },
};

function usage(): string {
  const lines = [`mesos ${VERSION_TEXT}`, "", "Usage: mesos <verb> [options]", ""];
  for (const [name, verb] of Object.entries(verbs)) if (!verb.hidden) lines.push(`  ${name.padEnd(10)} ${verb.summary}`);
  lines.push("", "Run `mesos <verb> --help` for a verb's options.");
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === "--version" || name === "version") {
    console.log(`mesos ${VERSION_TEXT}`);
    return 0;
  }
  const verb = verbs[name];
  if (!verb) {
    console.error(`Unknown verb '${name}'.\n\n${usage()}`);
    return 1;
  }
  return verb.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
