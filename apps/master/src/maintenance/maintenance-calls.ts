/**
 * The maintenance calls, shared by the v1 operator API and the v0 endpoints
 * (/master/maintenance/schedule, /master/maintenance/status, /master/machine/down|up), with
 * Mesos's checks and texts (master/http.cpp). A schedule puts machines DRAINING: their agents'
 * offers are rescinded and come back carrying the unavailability, and the frameworks using them
 * get inverse offers. START_MAINTENANCE takes machines DOWN: their agents are shut down and
 * removed and may not register until STOP_MAINTENANCE brings the machines UP.
 */
import { create } from "@bufbuild/protobuf";
import { invalid } from "@mesos/core";
import { type allocator, type MachineID, MachineInfo_Mode, maintenance } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import { removeAgentForMaintenance } from "../agents/remove-agent.ts";
import type { MasterContext } from "../context.ts";
import { agentMachine, machineKey, machineText } from "./machine-id.ts";
import { validateMachines, validateSchedule } from "./validate-maintenance.ts";

/** The registered agents on a machine. */
export function agentsOn(ctx: MasterContext, id: MachineID): Agent[] {
  const key = machineKey(id);
  return [...ctx.agents.values()].filter((agent) => machineKey(agentMachine(agent)) === key);
}

export async function updateMaintenanceSchedule(ctx: MasterContext, schedule: maintenance.Schedule): Promise<void> {
  const error = validateSchedule(schedule, ctx.maintenance.machines());
  if (error) throw invalid(error);
  const touched = await ctx.maintenance.updateSchedule(schedule);
  for (const id of touched) {
    const unavailability = ctx.maintenance.unavailability(id);
    for (const agent of agentsOn(ctx, id)) {
      ctx.log.info(`${unavailability ? "Updating" : "Removing"} unavailability of agent ${agent.id} (${agent.info.hostname})`);
      // Offers go back so they return with the new unavailability; inverse offers are made anew.
      ctx.offers.rescindAgent(agent.id);
      ctx.inverseOffers.rescindAgent(agent.id);
      ctx.agents.updateUnavailability(agent, unavailability);
    }
  }
  ctx.triggerAllocation();
}

/** Machines must be scheduled and in `mode` to leave it (Mesos's checks, in its order). */
function checkMachines(ctx: MasterContext, ids: readonly MachineID[], mode: MachineInfo_Mode, action: string): void {
  const error = validateMachines(ids);
  if (error) throw invalid(error);
  for (const id of ids) {
    const machine = ctx.maintenance.machine(id);
    if (!machine) throw invalid(`Machine '${machineText(id)}' is not part of a maintenance schedule`);
    if (machine.mode !== mode) throw invalid(`Machine '${machineText(id)}' is not in ${MachineInfo_Mode[mode]} mode and cannot be ${action}`);
  }
}

export async function startMaintenance(ctx: MasterContext, ids: readonly MachineID[]): Promise<void> {
  checkMachines(ctx, ids, MachineInfo_Mode.DRAINING, "brought down");
  await ctx.maintenance.start(ids);
  for (const id of ids) {
    for (const agent of agentsOn(ctx, id)) await removeAgentForMaintenance(ctx, agent, "Operator initiated 'Machine DOWN'");
  }
}

export async function stopMaintenance(ctx: MasterContext, ids: readonly MachineID[]): Promise<void> {
  checkMachines(ctx, ids, MachineInfo_Mode.DOWN, "brought up");
  await ctx.maintenance.stop(ids);
}

/** The machines DRAINING (with the frameworks' answers to their inverse offers) and DOWN. */
export function maintenanceStatus(ctx: MasterContext): maintenance.ClusterStatus {
  const status = create(maintenance.ClusterStatusSchema);
  for (const machine of ctx.maintenance.machines()) {
    if (machine.mode === MachineInfo_Mode.DOWN) status.downMachines.push(machine.id!);
    else if (machine.mode === MachineInfo_Mode.DRAINING) {
      // The frameworks' latest answers to inverse offers of the machine's agents (lost when the master restarts, as in Mesos).
      const statuses: allocator.InverseOfferStatus[] = [];
      for (const agent of agentsOn(ctx, machine.id!)) statuses.push(...ctx.inverseOffers.answers(agent.id).values());
      status.drainingMachines.push(create(maintenance.ClusterStatus_DrainingMachineSchema, { id: machine.id, statuses }));
    }
  }
  return status;
}
