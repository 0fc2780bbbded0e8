/** The agent's flags, with Mesos's names and defaults; built-in plugin isolators bring their own. */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { flag, type FlagValues, formatDuration } from "@mesos/core";
import { diskXfsFlagSpecs } from "@mesos/plugin-disk-xfs";
import { loadDockerConfigFlag, parseImageGcConfig } from "@mesos/images";
import { networkPortsFlagSpecs } from "@mesos/plugin-network-ports";
import { seccompFlagSpecs } from "@mesos/plugin-linux-seccomp/isolator";
import { volumeFlagSpecs } from "@mesos/plugin-volume";
import { diskProfileAdaptorConfig } from "./resource-provider/disk-profile-flag.ts";

export const agentFlagSpecs = {
  version: flag.bool("Show version and exit", { default: false }),
  master: flag.string("The master to register with, as HOST:PORT", { required: true }),
  work_dir: flag.string("Where the agent keeps sandboxes and checkpoints", { required: true }),
  runtime_dir: flag.string("Where containers' runtime files live (default: WORK_DIR/runtime)"),
  ip: flag.ipv4("IP address to listen on", { default: "127.0.0.1" }),
  port: flag.port("Port to listen on", { default: 5051 }),
  hostname: flag.string("Hostname the agent advertises (default: the IP)"),
  advertise_ip: flag.ipv4("IP address advertised to the master and frameworks"),
  advertise_port: flag.port("Port advertised to the master and frameworks"),
  resources: flag.string("Total resources (text or JSON); cpus, mem, disk and ports not given are detected"),
  attributes: flag.string("Attributes of the agent, e.g. rack:2;zone:a"),
  default_role: flag.string("Role of resources given without one in --resources", { default: "*" }),
  isolation: flag.string(
    "Isolators, comma-separated, run in this order: built-in (cgroups/cpu, cgroups/mem, disk/xfs, docker/runtime, filesystem/linux, linux/seccomp, network/ports, posix/cpu, posix/mem) or plugins named in --isolator_plugins",
    { default: "posix/cpu,posix/mem" },
  ),
  launcher: flag.oneOf(["linux", "posix"] as const)(
    "How containers are started: linux (own mount and PID namespaces; needs root) or posix (plain processes). Default: linux when root, else posix",
  ),
  isolator_plugins: flag.string(
    "Isolator plugins: name=unix:///path.sock,... or a directory of JSON files {name, endpoint, command?, env?, timeout?}",
  ),
  isolator_plugin_timeout: flag.duration("How long an isolator plugin may take to answer one call (or to start)", { default: 5000 }),
  cgroups_hierarchy: flag.string("Where the cgroup hierarchies are mounted", { default: "/sys/fs/cgroup" }),
  cgroups_root: flag.string("Name of the root cgroup under which containers' cgroups are created", { default: "mesos" }),
  cgroups_version: flag.oneOf(["auto", "v1", "v2"] as const)(
    "Which cgroup version the cgroups isolators use: auto takes each controller from the hierarchy it is bound to",
    { default: "auto" },
  ),
  cgroups_enable_cfs: flag.bool("Cap containers' CPU time with the CFS quota (a hard limit from cpus)", { default: false }),
  cgroups_limit_swap: flag.bool("Limit memory plus swap, not only memory", { default: false }),
  ...seccompFlagSpecs,
  ...networkPortsFlagSpecs,
  ...diskXfsFlagSpecs,
  ...volumeFlagSpecs,
  image_providers: flag.custom(parseImageProviders)(
    "Comma-separated image providers the Mesos containerizer supports: docker (needs --launcher=linux and the filesystem/linux isolator)",
  ),
  image_provisioner_backend: flag.oneOf(["overlay", "copy"] as const)(
    "How a container's root filesystem is built from its image's layers: overlay (overlayfs, shared layers) or copy. Default: overlay when the kernel has it",
  ),
  docker_registry: flag.string(
    "Where images without a registry in their name are pulled from: a registry URL, or a local directory of `docker save` archives and OCI layouts (/path/NAME.tar)",
    { default: "https://registry-1.docker.io" },
  ),
  docker_store_dir: flag.string("Directory the Docker provisioner stores images and layers in", {
    default: join(tmpdir(), "mesos", "store", "docker"),
  }),
  docker_config: flag.custom(loadDockerConfigFlag, undefined, (raw) => (raw.trim().startsWith("{") ? "(JSON not shown: it holds credentials)" : raw))(
    "Registry credentials: a Docker config (~/.docker/config.json with 'auths'), as JSON or a path to it. An image's own docker.config secret wins",
  ),
  image_gc_config: flag.custom(parseImageGcConfig)(
    'Automatic image GC, as JSON or a path: {"image_disk_headroom": 0.1, "image_disk_watch_interval": {"nanoseconds": N}, "excluded_images": [...]}',
  ),
  fetcher_stall_timeout: flag.duration("How long an image download may receive nothing before it is aborted", { default: 60_000 }),
  sandbox_directory: flag.string("Where a container with its own root filesystem sees its sandbox", { default: "/mnt/mesos/sandbox" }),
  http_heartbeat_interval: flag.duration("Interval of heartbeats on the agent's streaming responses", { default: 30_000 }),
  launch_timeout: flag.duration("How long a container may take to start before the launch fails", { default: 30_000 }),
  switch_user: flag.bool("Run tasks as the user in CommandInfo or FrameworkInfo", { default: true }),
  executor_shutdown_grace_period: flag.duration("Default time between SIGTERM and SIGKILL when killing a task", {
    default: 5000,
  }),
  executor_reregistration_timeout: flag.duration(
    "How long an executor has to re-subscribe after the agent restarted before the agent considers it gone and shuts it down (at most 15secs)",
    { default: 2000 },
  ),
  executor_reregistration_retry_interval: flag.duration(
    "Mesos's retry of its reconnect message to PID-based executors. Accepted so that scripts written for Mesos start the agent unchanged; a no-op here (v1 HTTP executors re-subscribe themselves)",
  ),
  recovery_timeout: flag.duration(
    "Amount of time allotted for the agent to recover. If the agent takes longer than recovery_timeout to recover, any executors that are waiting to reconnect to the agent will self-terminate (a checkpointing framework's executor gets it as MESOS_RECOVERY_TIMEOUT)",
    { default: 15 * 60_000 },
  ),
  registration_backoff_factor: flag.duration("Initial upper bound of the random registration delay", { default: 1000 }),
  recover: flag.oneOf(["reconnect", "cleanup"] as const)("On restart, reconnect to running containers or clean them up", {
    default: "reconnect",
  }),
  strict: flag.bool("Fail on recovery errors instead of skipping the broken part", { default: true }),
  systemd_enable_support: flag.bool(
    "Mesos's systemd support (executor life-time extension). Accepted so that scripts written for Mesos start the agent unchanged; a no-op here (run the agent's unit with KillMode=process so that stopping it leaves the tasks running)",
    { default: true },
  ),
  resource_provider_config_dir: flag.string(
    "Directory of local resource provider configs: one ResourceProviderInfo JSON per file (type org.apache.mesos.rp.local.storage)",
  ),
  disk_profile_adaptor: flag.string(
    "Disk profile adaptor of storage resource providers: org_apache_mesos_UriDiskProfileAdaptor (parameters in --modules) or uri=URI[,poll_interval=D][,max_random_wait=D]",
  ),
  modules: flag.string("Mesos module configuration (JSON); only the built-in org_apache_mesos_UriDiskProfileAdaptor can be configured"),
  csi_plugin_endpoint_timeout: flag.duration("How long a CSI plugin container may take to create its endpoint socket", { default: 60_000 }),
  logging_level: flag.logLevel("Least severe log level shown: INFO, WARNING or ERROR (DEBUG also shows debug lines)", { default: "INFO" }),
};

export type AgentFlags = FlagValues<typeof agentFlagSpecs>;

export function validateAgentFlags(flags: AgentFlags): string | undefined {
  if (!/^[^:/\s]+:\d+$/.test(flags.master.replace(/^https?:\/\//, "").replace(/\/$/, ""))) {
    return `Flag '--master' must be HOST:PORT, got '${flags.master}'`;
  }
  // Zero would make a heartbeat loop spin, or fail every launch and plugin call at once.
  for (const name of [
    "http_heartbeat_interval",
    "launch_timeout",
    "isolator_plugin_timeout",
    "fetcher_stall_timeout",
    "csi_plugin_endpoint_timeout",
  ] as const) {
    if (flags[name] <= 0) return `Flag '--${name}' must be greater than zero`;
  }
  // As Mesos's agent (MAX_EXECUTOR_REREGISTRATION_TIMEOUT): within the master's agent ping timeout.
  if (flags.executor_reregistration_timeout > 15_000) {
    return "Expected `--executor_reregistration_timeout` to be not more than 15secs";
  }
  // As Mesos's agent: the registration backoff doubles up to a minute, so its factor may not exceed that.
  if (flags.registration_backoff_factor > 60_000) {
    return `Invalid value '${formatDuration(flags.registration_backoff_factor)}' for --registration_backoff_factor: Must be less than 1mins`;
  }
  try {
    diskProfileAdaptorConfig(flags.disk_profile_adaptor, flags.modules);
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/** `--image_providers=docker` (Mesos also knows APPC, which is not supported here). */
function parseImageProviders(raw: string): "docker"[] {
  const names = raw
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const n of names) {
    if (n !== "docker") throw new Error(`unsupported image provider '${n}' (supported: docker)`);
  }
  return [...new Set(names)] as "docker"[];
}
