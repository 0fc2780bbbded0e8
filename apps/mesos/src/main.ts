/**
 * The `mesos` binary. One file is a master, an agent, a local cluster and a CLI; each verb
 * lazy-imports only the app it needs, so `mesos __launch` (run once per container) starts fast.
 */
// No static imports: they would be evaluated for every verb, and @mesos/core pulls in every
// protobuf descriptor (about 90 ms of CPU); `--help` and `--version` need only the version text.
const versionText = async () => (await import("@mesos/core/version")).VERSION_TEXT;

interface Verb {
  summary: string;
  hidden?: boolean;
  /** A daemon: it runs with the JIT policy of jit-policy.ts. */
  daemon?: boolean;
  run(argv: string[]): Promise<number>;
}

const verbs: Record<string, Verb> = {
  master: {
    summary: "run a master",
    daemon: true,
    run: async (argv) => (await import("./verbs/master.ts")).runMaster(argv),
  },
  agent: {
    summary: "run an agent (or list the agents: `mesos agent list`)",
    daemon: true,
    run: async (argv) =>
      argv[0] === "list" ? (await import("@mesos/cli")).runCli(["agent", ...argv]) : (await import("./verbs/agent.ts")).runAgent(argv),
  },
  local: {
    summary: "run a master and one agent in one process",
    daemon: true,
    run: async (argv) => (await import("./verbs/local.ts")).runLocal(argv),
  },
  execute: {
    summary: "run one command (or a task group) as a task and wait for it",
    run: async (argv) => (await import("@mesos/cli")).runCli(["execute", ...argv]),
  },
  task: {
    summary: "operate on tasks: list, attach, exec, log, kill",
    run: async (argv) => (await import("@mesos/cli")).runCli(["task", ...argv]),
  },
  framework: {
    summary: "list the frameworks: `mesos framework list`",
    run: async (argv) => (await import("@mesos/cli")).runCli(["framework", ...argv]),
  },
  maintenance: {
    summary: "maintenance: `mesos maintenance schedule|status|down|up`",
    run: async (argv) => (await import("@mesos/cli")).runCli(["maintenance", ...argv]),
  },
  isolator: {
    summary: "run a built-in isolator out of process: `mesos isolator serve NAME --socket=PATH`",
    run: async (argv) => (await import("./verbs/isolator.ts")).runIsolator(argv),
  },
  seccomp: {
    summary: "check a seccomp profile: `mesos seccomp check PROFILE.json`",
    run: async (argv) => (await import("./verbs/seccomp.ts")).runSeccomp(argv),
  },
  "csi-hostpath": {
    summary: "serve the reference CSI plugin (hostpath volumes, CSI v0 or v1) on a unix socket",
    run: async (argv) => (await import("@mesos/plugin-csi-hostpath")).runCsiHostpath(argv),
  },
  __launch: {
    summary: "container launch helper (internal)",
    hidden: true,
    run: async (argv) => (await import("@mesos/agent/launch-helper")).runLaunchHelper(argv),
  },
};

async function usage(): Promise<string> {
  const lines = [`mesos ${await versionText()}`, "", "Usage: mesos <verb> [options]", ""];
  for (const [name, verb] of Object.entries(verbs)) if (!verb.hidden) lines.push(`  ${name.padEnd(12)} ${verb.summary}`);
  lines.push("", "Run `mesos <verb> --help` for a verb's options.");
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(await usage());
    return name === undefined ? 1 : 0;
  }
  if (name === "--version" || name === "version") {
    console.log(`mesos ${await versionText()}`);
    return 0;
  }
  const verb = verbs[name];
  if (!verb) {
    console.error(`Unknown verb '${name}'.\n\n${await usage()}`);
    return 1;
  }
  if (verb.daemon && !(name === "agent" && rest[0] === "list")) {
    // A daemon also keeps the memory it frees (keep-freed-memory.ts), and the master's heap takes
    // huge pages (huge-pages.ts): set by the same execve.
    const { KEEP_FREED_MEMORY_ENV } = await import("./keep-freed-memory.ts");
    const { HUGE_PAGES_ENV } = await import("./huge-pages.ts");
    (await import("./jit-policy.ts")).ensureJitPolicy(name === "master" ? { ...KEEP_FREED_MEMORY_ENV, ...HUGE_PAGES_ENV } : KEEP_FREED_MEMORY_ENV);
  }
  return verb.run(rest);
}

// No top-level await: the binary is compiled to bytecode, which needs a plain script entry.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);

export {};
