/**
 * The `network/ports` isolator: containers may listen only on the ports they were allocated.
 * `networkPortsPlugin` is what the agent registers and `mesos isolator serve` serves.
 */
export { networkPortsPlugin } from "./plugin.ts";
export { networkPortsAgentFlagSpecs, networkPortsFlagSpecs } from "./flags.ts";
export {
  createNetworkPortsIsolator,
  NETWORK_PORTS_ISOLATOR,
  type NetworkPortsIsolator,
  type NetworkPortsIsolatorOptions,
  type ScanStats,
} from "./network-ports-isolator.ts";
export { watchedPorts, DEFAULT_AGENT_PORTS, type WatchedPortFlags } from "./watched-ports.ts";
export { type PortRanges, formatPortRanges, parsePortRanges, portsOf } from "./port-ranges.ts";
export { containerOfProcess, isPidNamespaceInit, processesOfRoots, type RootProcess } from "./container-processes.ts";
export { createPortScanner, type Listener, type PortScanner, type ScanResult } from "./port-scanner.ts";
export { findViolation, portsLimitation, type Violation } from "./violations.ts";
