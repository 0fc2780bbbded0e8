/**
 * `mesos maintenance schedule|status|down|up`: the maintenance primitives over the master's v1
 * operator API. A machine on the command line is `HOSTNAME@IP`, `HOSTNAME` or `@IP`; Mesos matches
 * an agent's machine by both its hostname and its ip, so name both for machines with agents.
 */
import type { OperatorClient } from "@mesos/client";
import { flag, formatDuration, fromMesosJson, invalid, parseDuration, toMesosJson } from "@mesos/core";
import { allocator, type MachineID, MachineInfo_Mode, maintenance } from "@mesos/proto";
import { readFileSync } from "node:fs";
import { defineCommand } from "./command.ts";
import { table } from "./lists.ts";

type Operator = (masterFlag?: string) => OperatorClient;

const json = flag.bool("Print Mesos's JSON instead of a table", { default: false });

export function parseMachine(text: string): { hostname?: string; ip?: string } {
  const at = text.lastIndexOf("@");
  const machine = at === -1 ? { hostname: text } : { hostname: text.slice(0, at) || undefined, ip: text.slice(at + 1) || undefined };
  if (!machine.hostname && !(machine as { ip?: string }).ip) throw invalid(`Invalid machine '${text}': expected HOSTNAME@IP, HOSTNAME or @IP`);
  return machine;
}

function machineName(id: MachineID | undefined): string {
  return id ? `${id.hostname}${id.ip ? `@${id.ip}` : ""}` : "";
}

const nsToIso = (ns: bigint | undefined) => (ns === undefined ? "" : new Date(Number(ns / 1_000_000n)).toISOString());

/** `now`, an ISO 8601 time, or a number of seconds since the epoch. */
function parseStart(text: string): bigint {
  const ms = text === "now" ? Date.now() : /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  if (!Number.isFinite(ms)) throw invalid(`Invalid --start '${text}': expected 'now', an ISO 8601 time or seconds since the epoch`);
  return BigInt(Math.round(ms)) * 1_000_000n;
}

function print(value: unknown): number {
  console.log(typeof value === "string" ? value : JSON.stringify(value, null, 2));
  return 0;
}

export function maintenanceScheduleCommand(operator: Operator) {
  return defineCommand({
    name: "schedule",
    args: "[MACHINE... --start=TIME --duration=DURATION | --file=PATH]",
    summary: "Show the maintenance schedule, add a window to it, or replace it",
    details: [
      "Without arguments, prints the schedule. With machines, adds one window for them (they become DRAINING):",
      "  mesos maintenance schedule node1@10.0.0.1 node2@10.0.0.2 --start=2026-12-24T08:00:00Z --duration=2hrs",
      "With --file, replaces the whole schedule with a JSON document as /master/maintenance/schedule takes it",
      '({"windows": [...]}; an empty one, {}, cancels all DRAINING maintenance).',
    ].join("\n"),
    flags: {
      start: flag.string("When the machines become unavailable: 'now', an ISO 8601 time or seconds since the epoch"),
      duration: flag.string("How long they are unavailable, e.g. 90mins or 2hrs (default: unbounded)"),
      file: flag.string("Replace the schedule with this JSON file ('-' for stdin)"),
      json,
    },
    async run({ flags, args }) {
      const op = operator(flags.master);
      if (flags.file !== undefined) {
        if (args.length > 0) throw invalid("Give either machines or --file, not both");
        const text = readFileSync(flags.file === "-" ? 0 : flags.file, "utf8");
        let schedule: maintenance.Schedule;
        try {
          schedule = fromMesosJson(maintenance.ScheduleSchema, JSON.parse(text));
        } catch (e) {
          throw invalid(`${flags.file}: not a maintenance schedule: ${(e as Error).message}`);
        }
        await op.updateMaintenanceSchedule(schedule);
        return 0;
      }
      if (args.length > 0) {
        if (flags.start === undefined) throw invalid("--start is required to schedule machines");
        const duration = flags.duration === undefined ? undefined : parseDuration(flags.duration);
        const current = await op.getMaintenanceSchedule();
        const window = {
          machineIds: args.map(parseMachine),
          unavailability: {
            start: { nanoseconds: parseStart(flags.start) },
            duration: duration === undefined ? undefined : { nanoseconds: BigInt(duration) * 1_000_000n },
          },
        };
        await op.updateMaintenanceSchedule({ windows: [...current.windows, window] });
        return 0;
      }
      const schedule = await op.getMaintenanceSchedule();
      if (flags.json) return print(toMesosJson(maintenance.ScheduleSchema, schedule));
      const rows = schedule.windows.flatMap((w) => {
        const u = w.unavailability;
        const duration = u?.duration ? formatDuration(Number(u.duration.nanoseconds / 1_000_000n)) : "unbounded";
        return w.machineIds.map((m) => [machineName(m), nsToIso(u?.start?.nanoseconds), duration]);
      });
      return print(table(["MACHINE", "START", "DURATION"], rows));
    },
  });
}

export function maintenanceStatusCommand(operator: Operator) {
  return defineCommand({
    name: "status",
    args: "",
    summary: "List the machines DRAINING and DOWN, with the frameworks' answers to inverse offers",
    flags: { json },
    async run({ flags }) {
      const status = await operator(flags.master).getMaintenanceStatus();
      if (flags.json) return print(toMesosJson(maintenance.ClusterStatusSchema, status));
      const S = allocator.InverseOfferStatus_Status;
      const rows = [
        ...status.drainingMachines.map((m) => [
          machineName(m.id),
          MachineInfo_Mode[MachineInfo_Mode.DRAINING]!,
          m.statuses.map((s) => `${s.frameworkId?.value}:${S[s.status]}`).join(", "),
        ]),
        ...status.downMachines.map((m) => [machineName(m), MachineInfo_Mode[MachineInfo_Mode.DOWN]!, ""]),
      ];
      return print(table(["MACHINE", "MODE", "INVERSE OFFER ANSWERS"], rows));
    },
  });
}

function modeCommand(name: "down" | "up", operator: Operator) {
  return defineCommand({
    name,
    args: "MACHINE...",
    summary:
      name === "down"
        ? "Start maintenance: DRAINING machines go DOWN (their agents are shut down and removed)"
        : "Stop maintenance: DOWN machines come back UP and leave the schedule",
    flags: {},
    async run({ flags, args }) {
      if (args.length === 0) throw invalid(`Name the machines to bring ${name} (HOSTNAME@IP, HOSTNAME or @IP)`);
      const machines = args.map(parseMachine);
      const op = operator(flags.master);
      await (name === "down" ? op.startMaintenance(machines) : op.stopMaintenance(machines));
      return 0;
    },
  });
}

export const maintenanceDownCommand = (operator: Operator) => modeCommand("down", operator);
export const maintenanceUpCommand = (operator: Operator) => modeCommand("up", operator);
