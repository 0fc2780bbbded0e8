/**
 * Mesos's checks of a maintenance schedule and of a list of machines (master/maintenance.cpp,
 * `validation::`), with its error texts. Each returns the first error, or undefined.
 */
import type { MachineID, MachineInfo, maintenance } from "@mesos/proto";
import { MachineInfo_Mode } from "@mesos/proto";
import { machineKey, machineText } from "./machine-id.ts";

/** inet_pton(AF_INET): four decimal parts 0-255, no leading zeros. */
function isIpv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function validateMachine(id: MachineID): string | undefined {
  if (id.hostname === "" && id.ip === "") return "Both 'hostname' and 'ip' for a machine are empty";
  if (id.ip !== "" && !isIpv4(id.ip)) return `Failed to parse IPv4: ${id.ip}`;
  return undefined;
}

/** START_MAINTENANCE / STOP_MAINTENANCE (and /machine/down, /machine/up): a non-empty list of distinct, valid machines. */
export function validateMachines(ids: readonly MachineID[]): string | undefined {
  if (ids.length === 0) return "List of machines is empty";
  const seen = new Set<string>();
  for (const id of ids) {
    const error = validateMachine(id);
    if (error) return error;
    const key = machineKey(id);
    if (seen.has(key)) return `Machine '${machineText(id)}' appears more than once in the schedule`;
    seen.add(key);
  }
  return undefined;
}

/**
 * A new schedule: every window has machines and a non-negative duration, each machine is valid and
 * appears once, and no machine that is DOWN is left out (the schedule cannot bring one UP).
 */
export function validateSchedule(schedule: maintenance.Schedule, machines: Iterable<MachineInfo>): string | undefined {
  const scheduled = new Set<string>();
  for (const window of schedule.windows) {
    if (window.machineIds.length === 0) return "List of machines in the maintenance window is empty";
    if ((window.unavailability?.duration?.nanoseconds ?? 0n) < 0n) return "Unavailability 'duration' is negative";
    for (const id of window.machineIds) {
      const error = validateMachine(id);
      if (error) return error;
      const key = machineKey(id);
      if (scheduled.has(key)) return `Machine '${machineText(id)}' appears more than once in the schedule`;
      scheduled.add(key);
    }
  }
  for (const machine of machines) {
    if (machine.mode === MachineInfo_Mode.DOWN && !scheduled.has(machineKey(machine.id!))) {
      return `Machine '${machineText(machine.id!)}' is deactivated and cannot be removed from the schedule`;
    }
  }
  return undefined;
}
