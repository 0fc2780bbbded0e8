/**
 * The hostpath plugin as a process: `mesos csi-hostpath --endpoint=unix:///run/csi.sock
 * --work_dir=/var/lib/csi-hostpath --available_capacity=10GB [--api_version=v0|v1] ...`. Flags also
 * come from the environment with the `CSI_` prefix, so the `CSI_ENDPOINT` an agent sets is enough.
 */
import { hostname } from "node:os";
import {
  createLogger,
  FlagError,
  flag,
  formatUsage,
  type Logger,
  parseBytes,
  parseFlags,
  parseLogLevel,
  PROJECT_VERSION,
  silentLogger,
} from "@mesos/core";
import { createDriver } from "./driver.ts";
import { type GrpcServer, serveGrpc } from "./server.ts";
import { v0Routes } from "./v0-service.ts";
import { v1Routes } from "./v1-service.ts";

const CSI_API_VERSIONS = ["v0", "v1"] as const;

function parsePairs(raw: string, separator: string, what: string): [string, string][] {
  return raw
    .split(";")
    .filter((p) => p.trim() !== "")
    .map((pair) => {
      const at = pair.indexOf(separator);
      if (at <= 0) throw new Error(`'${pair}' is not ${what}`);
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    });
}

const HOSTPATH_FLAGS = {
  api_version: flag.oneOf(CSI_API_VERSIONS)("The CSI version to serve: v0 (the spec's v0.2/v0.3) or v1 (v1.1).", { default: "v1" }),
  endpoint: flag.string("The unix socket to serve gRPC on: unix:///path or a path (also CSI_ENDPOINT).", { required: true }),
  work_dir: flag.string("Where the volumes (directories and image files) and their metadata live.", { required: true }),
  available_capacity: flag.bytes("Capacity for new volumes, e.g. 10GB; CreateVolume takes from it, DeleteVolume gives back.", { required: true }),
  volumes: flag.custom((raw) => parsePairs(raw, ":", "name:capacity").map(([name, capacity]) => ({ name, capacity: parseBytes(capacity) })))(
    "Pre-existing MOUNT volumes made at start-up, on top of --available_capacity: 'name:capacity;...' (e.g. 'vol1:1GB;vol2:2GB').",
  ),
  create_parameters: flag.custom((raw) => Object.fromEntries(parsePairs(raw, "=", "param=value")))(
    "The parameters CreateVolume and GetCapacity must carry, exactly: 'param1=value1;param2=value2'.",
  ),
  node_id: flag.string("The node id NodeGetInfo (and v0's NodeGetId) reports.", { default: hostname() }),
  plugin_name: flag.string("The name GetPluginInfo reports.", { default: "org.apache.mesos.csi.hostpath" }),
  controller_publish: flag.bool("Have PUBLISH_UNPUBLISH_VOLUME: volumes must be attached with ControllerPublishVolume before the node calls.", {
    default: false,
  }),
  stage_unstage: flag.bool("Have STAGE_UNSTAGE_VOLUME: NodeStageVolume before NodePublishVolume.", { default: true }),
  create_delay: flag.duration("Testing: answer CreateVolume only after this long, as a slow storage backend would.", { default: 0 }),
  logging_level: flag.oneOf(["debug", "info", "warning", "error"] as const)("Least severe log level shown (on stderr).", { default: "info" }),
};

export type HostpathOptions = {
  apiVersion: (typeof CSI_API_VERSIONS)[number];
  endpoint: string;
  workDir: string;
  availableCapacity: number;
  volumes?: { name: string; capacity: number }[];
  createParameters?: Record<string, string>;
  nodeId?: string;
  pluginName?: string;
  controllerPublish?: boolean;
  stageUnstage?: boolean;
  createDelayMs?: number;
  log?: Logger;
};

/** Starts the plugin in this process (tests and the `mesos csi-hostpath` verb). */
export async function startHostpathPlugin(options: HostpathOptions): Promise<GrpcServer> {
  const driver = createDriver({
    workDir: options.workDir,
    availableCapacity: options.availableCapacity,
    volumes: options.volumes ?? [],
    createParameters: options.createParameters ?? {},
    nodeId: options.nodeId ?? hostname(),
    pluginName: options.pluginName ?? "org.apache.mesos.csi.hostpath",
    vendorVersion: PROJECT_VERSION,
    controllerPublish: options.controllerPublish ?? false,
    stageUnstage: options.stageUnstage ?? true,
    createDelayMs: options.createDelayMs,
    log: options.log ?? silentLogger,
  });
  return serveGrpc(options.endpoint, options.apiVersion === "v0" ? v0Routes(driver) : v1Routes(driver));
}

export async function runCsiHostpath(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(formatUsage("csi-hostpath", HOSTPATH_FLAGS));
    return 0;
  }
  let values: ReturnType<typeof parseFlags<typeof HOSTPATH_FLAGS>>["values"];
  try {
    values = parseFlags(HOSTPATH_FLAGS, argv, process.env, { envPrefix: "CSI_" }).values;
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    console.error(`${e.message}\n\n${formatUsage("csi-hostpath", HOSTPATH_FLAGS)}`);
    return 1;
  }
  const server = await startHostpathPlugin({
    apiVersion: values.api_version,
    endpoint: values.endpoint,
    workDir: values.work_dir,
    availableCapacity: values.available_capacity,
    volumes: values.volumes,
    createParameters: values.create_parameters,
    nodeId: values.node_id,
    pluginName: values.plugin_name,
    controllerPublish: values.controller_publish,
    stageUnstage: values.stage_unstage,
    createDelayMs: values.create_delay,
    log: createLogger({ name: "csi-hostpath", level: parseLogLevel(values.logging_level) }),
  });
  console.log(`CSI hostpath plugin serving CSI ${values.api_version} on unix://${server.socket}`);
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => resolve());
  });
  await server.close();
  return 0;
}
