/**
 * Machines as Mesos identifies them: a MachineID (hostname and/or ip). Two ids are the same
 * machine when both fields match, the hostname without regard to case; an agent's machine is its
 * AgentInfo hostname with the ip it is reached at, so a schedule names a machine with both (Mesos's
 * docs/maintenance.md: "both the hostname and ip fields must match").
 */
import { create } from "@bufbuild/protobuf";
import { toMesosJson } from "@mesos/core";
import { type MachineID, MachineIDSchema } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";

/** The key of a machine in maps and in the registry. */
export function machineKey(id: MachineID): string {
  return `${id.hostname.toLowerCase()}\u0000${id.ip}`;
}

/** The machine an agent runs on. */
export function agentMachine(agent: Agent): MachineID {
  return create(MachineIDSchema, { hostname: agent.info.hostname, ip: agent.address.ip });
}

/** A machine in error texts, as Mesos prints it: `{"hostname":"m1","ip":"10.0.0.1"}`. */
export function machineText(id: MachineID): string {
  return JSON.stringify(toMesosJson(MachineIDSchema, id));
}
