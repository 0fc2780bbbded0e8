/**
 * `network/ports` as a built-in plugin: the agent builds it from its flags (and refuses to start
 * without the linux launcher, as Mesos does); `mesos isolator serve network/ports` builds it from
 * the same flags and serves it out of process.
 */
import { failedPrecondition } from "@mesos/core";
import { defineIsolatorPlugin } from "@mesos/plugin-api";
import { networkPortsAgentFlagSpecs, networkPortsFlagSpecs } from "./flags.ts";
import { createNetworkPortsIsolator, NETWORK_PORTS_ISOLATOR } from "./network-ports-isolator.ts";
import { formatPortRanges } from "./port-ranges.ts";
import { watchedPorts } from "./watched-ports.ts";

export const networkPortsPlugin = defineIsolatorPlugin({
  name: NETWORK_PORTS_ISOLATOR,
  summary: "kills (or logs) containers listening on ports they were not allocated",
  flags: networkPortsFlagSpecs,
  agentFlags: networkPortsAgentFlagSpecs,
  create(flags, { log, clock, agent }) {
    if (agent && agent.launcher !== "linux") throw failedPrecondition("The 'network/ports' isolator requires the 'linux' launcher");
    const watched = watchedPorts(flags);
    if (watched) log.info(`Isolating port range ${formatPortRanges(watched)}`);
    return createNetworkPortsIsolator({
      watched,
      enforce: flags.enforce_container_ports,
      intervalMs: flags.container_ports_watch_interval,
      checkUdp: flags.container_ports_check_udp,
      ignoreNamedNetworks: agent?.isolation.includes("network/cni") ?? false,
      log,
      clock,
    });
  },
});
