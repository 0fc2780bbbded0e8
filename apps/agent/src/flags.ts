/** The agent's flags, with Mesos's names and defaults. */
import { flag, type FlagValues } from "@mesos/core";

export const agentFlagSpecs = {
  master: flag.string("The master to register with, as HOST:PORT", { required: true }),
  work_dir: flag.string("Where the agent keeps sandboxes and checkpoints", { required: true }),
  runtime_dir: flag.string("Where containers' runtime files live (default: WORK_DIR/runtime)"),
  ip: flag.string("IP address to listen on", { default: "127.0.0.1" }),
  port: flag.int("Port to listen on", { default: 5051 }),
  hostname: flag.string("Hostname the agent advertises (default: the IP)"),
  advertise_ip: flag.string("IP address advertised to the master and frameworks"),
  advertise_port: flag.int("Port advertised to the master and frameworks"),
  resources: flag.string("Total resources (text or JSON); cpus, mem, disk and ports not given are detected"),
  attributes: flag.string("Attributes of the agent, e.g. rack:2;zone:a"),
  default_role: flag.string("Role of resources given without one in --resources", { default: "*" }),
  isolation: flag.string("Isolators, comma-separated", { default: "posix/cpu,posix/mem" }),
  launcher: flag.oneOf(["linux", "posix"] as const)("How containers are started (default: linux when root, else posix)"),
  switch_user: flag.bool("Run tasks as the user in CommandInfo or FrameworkInfo", { default: true }),
  executor_shutdown_grace_period: flag.duration("Default time between SIGTERM and SIGKILL when killing a task", {
    default: 5000,
  }),
  registration_backoff_factor: flag.duration("Initial upper bound of the random registration delay", { default: 1000 }),
  recover: flag.oneOf(["reconnect", "cleanup"] as const)("On restart, reconnect to running containers or clean them up", {
    default: "reconnect",
  }),
  strict: flag.bool("Fail on recovery errors instead of skipping the broken part", { default: true }),
  logging_level: flag.oneOf(["debug", "info", "warning", "error"] as const)("Least severe log level shown", {
    default: "info",
  }),
};

export type AgentFlags = FlagValues<typeof agentFlagSpecs>;

export function validateAgentFlags(flags: AgentFlags): string | undefined {
  if (flags.port < 0 || flags.port > 65535) return `Flag '--port' must be in 0-65535, got ${flags.port}`;
  if (!/^[^:/\s]+:\d+$/.test(flags.master.replace(/^https?:\/\//, "").replace(/\/$/, ""))) {
    return `Flag '--master' must be HOST:PORT, got '${flags.master}'`;
  }
  return undefined;
}
