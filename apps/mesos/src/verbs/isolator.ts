/**
 * `mesos isolator serve NAME --socket=PATH [flags]`: runs a built-in isolator out of process,
 * serving `mesos.isolator.v1` on a unix socket until SIGINT/SIGTERM. It takes the isolator's own
 * flags (the ones `mesos agent` has for it) and the agent flags it reads; an agent uses it with
 * `--isolation=NAME --isolator_plugins=NAME=unix://PATH`. `mesos isolator list` names them.
 */
import { errorMessage, flag, systemClock, VERSION_TEXT } from "@mesos/core";
import type { IsolatorPlugin } from "@mesos/plugin-api";
import { daemonLogger, loadFlags, untilSignalled } from "./load-flags.ts";

const USAGE = `Usage: mesos isolator serve NAME --socket=PATH [flags]   (mesos isolator serve NAME --help for its flags)
       mesos isolator list`;

const serveFlagSpecs = {
  socket: flag.string("The unix socket to serve mesos.isolator.v1 on (replaced if it exists)", { required: true }),
  logging_level: flag.logLevel("Least severe log level shown: INFO, WARNING or ERROR (DEBUG also shows debug lines)", { default: "INFO" }),
};

export async function runIsolator(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h" || sub === "help") {
    console.log(USAGE);
    return 0;
  }
  if (sub !== "serve" && sub !== "list") {
    console.error(sub === undefined ? USAGE : `Unknown 'mesos isolator' command '${sub}'.\n${USAGE}`);
    return 1;
  }
  const { BUILTIN_ISOLATOR_PLUGINS: plugins } = await import("@mesos/agent");
  const names = plugins.map((p) => p.name).join(", ");
  if (sub === "list") {
    const width = Math.max(...plugins.map((p) => p.name.length));
    for (const p of plugins) console.log(`${p.name.padEnd(width)}  ${p.summary}`);
    return 0;
  }
  const [name, ...flags] = rest;
  const plugin = plugins.find((p) => p.name === name);
  if (!plugin) {
    console.error(
      `${name === undefined || name.startsWith("-") ? "Missing the isolator's name" : `Unknown isolator '${name}'`}: it is one of ${names}.\n${USAGE}`,
    );
    return 1;
  }
  return serve(plugin, flags);
}

async function serve(plugin: IsolatorPlugin, argv: string[]): Promise<number> {
  const specs = { ...serveFlagSpecs, ...plugin.agentFlags, ...plugin.flags };
  const loaded = loadFlags(`isolator serve ${plugin.name}`, specs, argv);
  if ("exitCode" in loaded) return loaded.exitCode;
  const values = loaded.values;
  const log = daemonLogger(`isolator ${plugin.name}`, values.logging_level);
  const { serveIsolator } = await import("@mesos/plugin-api");
  let isolator: Awaited<ReturnType<IsolatorPlugin["create"]>>;
  try {
    isolator = await plugin.create(values, { log, clock: systemClock });
  } catch (e) {
    log.error(`Cannot use isolator '${plugin.name}': ${errorMessage(e)}`);
    return 1;
  }
  const served = serveIsolator(isolator, { socket: values.socket, vendorVersion: VERSION_TEXT });
  log.info(`Serving isolator '${plugin.name}' (mesos.isolator.v1) on unix://${values.socket}`);
  const signal = await untilSignalled();
  (isolator as { close?(): void }).close?.();
  await served.stop();
  log.info(`Received ${signal}; stopped`);
  return 0;
}
