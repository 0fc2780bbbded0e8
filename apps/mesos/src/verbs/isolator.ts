/**
 * `mesos isolator serve disk/xfs --socket=PATH --work_dir=DIR [flags]`: a built-in isolator as an
 * isolator plugin in a process of its own, speaking `mesos.isolator.v1` on a unix socket, for an
 * agent started with `--isolator_plugins=disk/xfs=unix://PATH` (or a plugin file with this command).
 */
import { VERSION_TEXT, flag, systemClock } from "@mesos/core";
import { serveIsolator } from "@mesos/plugin-api";
import { createDiskXfsIsolator, diskXfsFlagSpecs } from "@mesos/plugin-disk-xfs";
import { daemonLogger, loadFlags, untilSignalled } from "./load-flags.ts";

const USAGE = "Usage: mesos isolator serve disk/xfs --socket=PATH --work_dir=DIR [--help for the flags]";
const SERVABLE = ["disk/xfs"];

const diskXfsServeFlags = {
  socket: flag.string("The unix socket to serve the isolator on", { required: true }),
  work_dir: flag.string("The agent's --work_dir (sandboxes and persistent volumes are found there)", { required: true }),
  resources: flag.string("The agent's --resources (the start-up checks look at its PATH disks)"),
  default_role: flag.string("The agent's --default_role", { default: "*" }),
  logging_level: flag.oneOf(["debug", "info", "warning", "error"] as const)("Least severe log level shown", { default: "info" }),
  ...diskXfsFlagSpecs,
};

export async function runIsolator(argv: string[]): Promise<number> {
  const [sub, name, ...rest] = argv;
  if (sub === "--help" || sub === "-h" || sub === "help" || sub === undefined) {
    console.log(`${USAGE}\nIsolators that can be served: ${SERVABLE.join(", ")}`);
    return sub === undefined ? 1 : 0;
  }
  if (sub !== "serve" || !name || !SERVABLE.includes(name)) {
    console.error(`${sub !== "serve" ? `Unknown 'mesos isolator' command '${sub}'` : `Cannot serve isolator '${name ?? ""}'`}.\n${USAGE}`);
    return 1;
  }
  const flags = loadFlags("isolator serve disk/xfs", diskXfsServeFlags, rest);
  if ("exitCode" in flags) return flags.exitCode;
  const f = flags.values;
  const log = daemonLogger("disk/xfs", f.logging_level);
  const stopping = new AbortController();
  let isolator: ReturnType<typeof createDiskXfsIsolator>;
  try {
    isolator = createDiskXfsIsolator({
      flags: f,
      workDir: f.work_dir,
      resources: f.resources,
      defaultRole: f.default_role,
      clock: systemClock,
      log,
      signal: stopping.signal,
    });
  } catch (e) {
    log.error(`Cannot use isolator 'disk/xfs': ${(e as Error).message}`);
    return 1;
  }
  const served = serveIsolator(isolator, { socket: f.socket, vendorVersion: VERSION_TEXT });
  log.info(`Isolator plugin disk/xfs serving on unix://${f.socket}`);
  await untilSignalled();
  stopping.abort();
  await served.stop();
  return 0;
}
