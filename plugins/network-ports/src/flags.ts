/**
 * The `network/ports` isolator's flags, with Mesos 1.8's names, defaults and help, plus
 * `--container_ports_check_udp` (ours; off, so Mesos's behaviour stays the default). `mesos agent`
 * carries them; so does `mesos isolator serve network/ports`, with the agent flags the isolator
 * reads (`--resources`, `--default_role`: the agent's ports for `--check_agent_port_range_only`).
 */
import { flag } from "@mesos/core";

export const networkPortsFlagSpecs = {
  container_ports_watch_interval: flag.duration(
    "Interval at which the `network/ports` isolator should check for containers listening on ports they don't have resources for",
    { default: 30_000 },
  ),
  check_agent_port_range_only: flag.bool(
    "When this is true, the `network/ports` isolator allows tasks to listen on additional ports provided they fall outside the range published by the agent's resources. Otherwise tasks are restricted to only listen on ports for which they have been assigned resources",
    { default: false },
  ),
  enforce_container_ports: flag.bool(
    "Whether to enable port enforcement for containers (false: violations are only logged). This flag is used by the `network/ports` isolator",
    { default: false },
  ),
  container_ports_isolated_range: flag.string(
    "When this flag is specified, the `network/ports` isolator will only enforce port isolation for the specified range of ports (Example: `[0-35000]`). Cannot be combined with --check_agent_port_range_only",
  ),
  container_ports_check_udp: flag.bool(
    "Whether the `network/ports` isolator also checks bound, unconnected UDP sockets (Mesos checks TCP listeners only)",
    { default: false },
  ),
};

/** The agent flags the isolator reads; the agent has its own specs for them (same types). */
export const networkPortsAgentFlagSpecs = {
  resources: flag.string("The agent's --resources: its `ports` are what --check_agent_port_range_only watches (default [31000-32000])"),
  default_role: flag.string("The agent's --default_role, for reading --resources", { default: "*" }),
};
