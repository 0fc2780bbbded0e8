/**
 * Which ports the isolator watches (Mesos 1.8, NetworkPortsIsolatorProcess::create):
 * `--container_ports_isolated_range` when given; else, with `--check_agent_port_range_only`, the
 * agent's `ports` resource (the default [31000-32000] when --resources names none, or an empty
 * one, which parsing drops: what the agent offers then); else every port (undefined).
 */
import { invalid, parseResources } from "@mesos/core";
import { type PortRanges, parsePortRanges, portsOf } from "./port-ranges.ts";

export const DEFAULT_AGENT_PORTS = "[31000-32000]";

export interface WatchedPortFlags {
  check_agent_port_range_only: boolean;
  container_ports_isolated_range?: string;
  resources?: string;
  default_role?: string;
}

export function watchedPorts(flags: WatchedPortFlags): PortRanges | undefined {
  if (flags.check_agent_port_range_only && flags.container_ports_isolated_range !== undefined) {
    // Mesos's text, quotes and all.
    throw invalid("Only one of `--check_agent_port_range_only` or '--container_ports_isolated_range` should be specified");
  }
  if (flags.container_ports_isolated_range !== undefined) {
    return parsePortRanges(flags.container_ports_isolated_range, `Failed to parse isolated ports range '${flags.container_ports_isolated_range}'`);
  }
  if (!flags.check_agent_port_range_only) return undefined;
  let resources: ReturnType<typeof parseResources>;
  try {
    resources = parseResources(flags.resources ?? "", { defaultRole: flags.default_role ?? "*" });
  } catch (e) {
    throw invalid(`Failed to parse agent resources: ${(e as Error).message}`, e);
  }
  const list = resources.toArray();
  if (!list.some((r) => r.name === "ports")) return parsePortRanges(DEFAULT_AGENT_PORTS, "default ports");
  return portsOf(list);
}
