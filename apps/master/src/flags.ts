/** The master's flags, with Mesos's names and defaults. */
import { flag, formatDuration, parseMinAllocatable, type Quantities } from "@mesos/core";

export const masterFlagSpecs = {
  work_dir: flag.string("Where the master keeps its registry (required unless --registry=in_memory)"),
  ip: flag.ipv4("IP address to listen on", { default: "127.0.0.1" }),
  port: flag.port("Port to listen on", { default: 5050 }),
  version: flag.bool("Show version and exit", { default: false }),
  hostname: flag.string("Hostname the master advertises (default: the IP's name, see --hostname_lookup)"),
  hostname_lookup: flag.bool("Without --hostname, advertise the name the IP resolves to (false: the IP itself)", { default: true }),
  advertise_ip: flag.ipv4("IP address advertised to agents and frameworks"),
  advertise_port: flag.port("Port advertised to agents and frameworks"),
  cluster: flag.string("Human-readable name of the cluster"),
  registry: flag.oneOf(["sqlite", "in_memory", "replicated_log"] as const)(
    "Where the registry lives: a SQLite file in the work dir (sqlite; replicated_log is an alias), or memory only",
    { default: "sqlite" },
  ),
  allocator: flag.oneOf(["HierarchicalDRF", "hierarchical"] as const)("Allocator to use (hierarchical is an alias)", { default: "HierarchicalDRF" }),
  allocation_interval: flag.duration("Time between batch allocation cycles", { default: 1000 }),
  role_sorter: flag.oneOf(["drf", "random"] as const)("Policy ordering roles", { default: "drf" }),
  user_sorter: flag.oneOf(["drf", "random"] as const)("Deprecated alias of --role_sorter"),
  framework_sorter: flag.oneOf(["drf", "random"] as const)("Policy ordering frameworks within a role", { default: "drf" }),
  min_allocatable_resources: flag.custom<Quantities[]>(parseMinAllocatable, (v) =>
    v.map((q) => [...q].map(([n, a]) => `${n}:${a}`).join(";")).join("|"),
  )("Smallest offer worth making: alternatives joined by '|', each 'name:amount' joined by ';'", {
    default: parseMinAllocatable("cpus:0.01|mem:32"),
  }),
  fair_sharing_excluded_resource_names: flag.custom(
    (s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    (v) => v.join(","),
  )("Resource names left out of fair-share calculations"),
  filter_gpu_resources: flag.bool("Only offer GPU agents to frameworks with GPU_RESOURCES", { default: true }),
  offer_timeout: flag.duration("Time after which an unused offer is rescinded (unset = never)"),
  agent_ping_timeout: flag.duration("Time to wait for an agent's answer to a ping", { default: 15_000 }),
  max_agent_ping_timeouts: flag.count("Missed pings after which an agent is unreachable", { default: 5 }),
  agent_reregister_timeout: flag.duration("Time agents have to re-register after a master failover", {
    default: 600_000,
  }),
  max_completed_frameworks: flag.count("Completed frameworks kept in memory", { default: 50 }),
  max_completed_tasks_per_framework: flag.count("Completed tasks kept per framework", { default: 1000 }),
  max_operator_event_stream_subscribers: flag.count("Operator SUBSCRIBE streams allowed at once", { default: 1000 }),
  logging_level: flag.logLevel("Least severe log level shown: INFO, WARNING or ERROR (DEBUG also shows debug lines)", { default: "INFO" }),
  quiet: flag.bool("Do not log to stderr", { default: false }),
  webui_dir: flag.string("Serve the web UI from this directory (Mesos's layout: index.html, app/, assets/) instead of the built-in one"),
  log_dir: flag.string("Directory the master also logs to (mesos-master.INFO), served by /files as /master/log"),
  ...mesosDefaultsOnly(),
};

/**
 * Mesos 1.8 master flags whose default is the only behaviour this master has. They are listed
 * with Mesos's default in `/flags` and GET_FLAGS (tools read them there, the authentication flags
 * above all); another value stops start-up naming the flag.
 */
function mesosDefaultsOnly() {
  const noAuth = "authentication is not built into this master";
  const sqlite = "the registry is SQLite, not a replicated log";
  return {
    authenticate_frameworks: flag.fixedBool(false, noAuth)("Only authenticated frameworks may register", { default: false }),
    authenticate_agents: flag.fixedBool(false, noAuth)("Only authenticated agents may register", { default: false }),
    authenticate_http_readwrite: flag.fixedBool(false, noAuth)("Authenticate read-write HTTP endpoints", { default: false }),
    authenticate_http_readonly: flag.fixedBool(false, noAuth)("Authenticate read-only HTTP endpoints", { default: false }),
    authenticate_http_frameworks: flag.fixedBool(false, noAuth)("Authenticate HTTP frameworks", { default: false }),
    authentication_v0_timeout: flag.fixedDuration(15_000, noAuth)("Timeout of a v0 framework's or agent's authentication", {
      default: 15_000,
    }),
    authenticators: flag.fixedString("crammd5", noAuth)("Framework and agent authenticator", { default: "crammd5" }),
    authorizers: flag.fixedString("local", "only the built-in authorizer exists")("Authorizer", { default: "local" }),
    http_authenticators: flag.fixedString("basic", noAuth)("HTTP authenticators", { default: "basic" }),
    root_submissions: flag.fixedBool(true, "frameworks may run as root")("Whether root can submit frameworks", { default: true }),
    registry_strict: flag.fixedBool(false, sqlite)("Registry strictness (unused by Mesos 1.8)", { default: false }),
    registry_fetch_timeout: flag.fixedDuration(60_000, sqlite)("Registry fetch timeout", { default: 60_000 }),
    registry_store_timeout: flag.fixedDuration(20_000, sqlite)("Registry store timeout", { default: 20_000 }),
    registry_gc_interval: flag.fixedDuration(15 * 60_000, sqlite)("Registry GC interval", { default: 15 * 60_000 }),
    registry_max_agent_age: flag.fixedDuration(14 * 86_400_000, sqlite)("Age after which a gone agent is forgotten", {
      default: 14 * 86_400_000,
    }),
    registry_max_agent_count: flag.fixedCount(102_400, sqlite)("Gone agents kept in the registry", { default: 102_400 }),
    log_auto_initialize: flag.fixedBool(true, sqlite)("Initialize the replicated log automatically", { default: true }),
    recovery_agent_removal_limit: flag.fixedString("100%", "agents that do not re-register are all removed")("Most agents removed after a failover", {
      default: "100%",
    }),
    zk_session_timeout: flag.fixedDuration(10_000, "ZooKeeper is not used")("ZooKeeper session timeout", { default: 10_000 }),
    max_unreachable_tasks_per_framework: flag.fixedCount(1000, "unreachable tasks are kept as Mesos keeps them")(
      "Unreachable tasks kept per framework",
      { default: 1000 },
    ),
    memory_profiling: flag.fixedBool(false, "memory profiling is not built")("Memory profiling", { default: false }),
    require_agent_domain: flag.fixedBool(false, "agents need no domain")("Require agents to have a domain", { default: false }),
    publish_per_framework_metrics: flag.fixedBool(true, "per-framework metrics are always published")("Per-framework metrics", {
      default: true,
    }),
    initialize_driver_logging: flag.fixedBool(true, "there is no scheduler driver")("Initialize driver logging", { default: true }),
    logbufsecs: flag.fixedCount(0, "log lines are written at once")("Seconds logs may be buffered", { default: 0 }),
  };
}

export type MasterFlagSpecs = typeof masterFlagSpecs;

/** The master's log file under --log_dir, if it has one. */
export const masterLogFile = (flags: { log_dir?: string }) => (flags.log_dir ? `${flags.log_dir.replace(/\/+$/, "")}/mesos-master.INFO` : undefined);

import type { FlagValues } from "@mesos/core";
export type MasterFlags = FlagValues<MasterFlagSpecs>;

/** Checks between flags that a single flag's parser cannot see. Returns an error message. */
export function validateMasterFlags(flags: MasterFlags): string | undefined {
  if (flags.registry !== "in_memory" && !flags.work_dir) {
    return "Flag '--work_dir' is required when the registry is not in memory (--registry=in_memory)";
  }
  if (flags.allocation_interval <= 0) return "Flag '--allocation_interval' must be positive";
  // Mesos 1.8's bounds and messages (master/flags.cpp, master.cpp). In-process tests that need
  // faster pings build their flags without this check.
  if (flags.max_agent_ping_timeouts < 1) return "Expected `--max_agent_ping_timeouts` to be at least 1";
  if (flags.agent_ping_timeout < 1000 || flags.agent_ping_timeout > 15 * 60_000) {
    return "Expected `--agent_ping_timeout` to be between 1secs and 15mins";
  }
  if (flags.agent_reregister_timeout < 10 * 60_000) {
    return `Invalid value '${formatDuration(flags.agent_reregister_timeout)}' for --agent_reregister_timeout: Must be at least 10mins`;
  }
  if (flags.offer_timeout !== undefined && flags.offer_timeout <= 0) {
    return `Invalid value '${formatDuration(flags.offer_timeout)}' for --offer_timeout: Must be greater than zero`;
  }
  return undefined;
}
