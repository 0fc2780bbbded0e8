/**
 * ACCEPT: validate the offers, take them, apply the operations in order against what is left, and
 * give back the rest with the call's filter. LAUNCH starts tasks on the agent; an invalid task gets
 * TASK_ERROR and uses nothing. LAUNCH_GROUP starts a task group (launch-group.ts).
 */
import { create } from "@bufbuild/protobuf";
import { errorMessage, Resources } from "@mesos/core";
import { type Offer_Operation, Offer_Operation_Type, type scheduler, type TaskInfo, TaskInfoSchema } from "@mesos/proto";
import { runTaskFrame } from "../agents/run-task-frame.ts";
import { applyOperation } from "../operations/apply-operation.ts";
import { operationError } from "../operations/operation-feedback.ts";
import { validateOperation } from "../operations/validate-operation.ts";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { TaskStatus_Reason } from "../tasks/task-status.ts";
import { refuseSeconds } from "./filters.ts";
import { launchGroup } from "./launch-group.ts";
import { taskExecutor } from "./task-executor.ts";
import { addLaunchedTask, dropTask, taskError } from "./launched-task.ts";
import { injectAllocationInfo } from "./operation-resources.ts";
import { consumedBy, validateTask } from "./validate-task.ts";

/**
 * Mesos's offer validation (validation::offer::validate), its checks in its order and its words:
 * no repeats, each offer exists, is this framework's, all of one role and of one agent.
 */
function validateOffers(ctx: MasterContext, framework: Framework, offerIds: string[]): string | undefined {
  if (offerIds.length === 0) return "No offers specified";
  const seen = new Set<string>();
  for (const id of offerIds) {
    if (seen.has(id)) return `Duplicate offer ${id} in offer list`;
    seen.add(id);
  }
  const records = [];
  for (const id of offerIds) {
    const record = ctx.offers.get(id);
    if (!record) return `Offer ${id} is no longer valid`;
    records.push(record);
  }
  for (const r of records) {
    if (r.frameworkId !== framework.id) {
      return `Offer ${r.offer.id!.value} has invalid framework ${r.frameworkId} while framework ${framework.id} is expected`;
    }
  }
  for (const r of records) {
    if (r.role !== records[0]!.role) {
      return `Aggregated offers must be allocated to the same role. Offer ${r.offer.id!.value} uses role '${r.role} but another is using role '${records[0]!.role}`;
    }
  }
  for (const r of records) {
    if (r.agentId !== records[0]!.agentId) {
      return `Aggregated offers must belong to one single agent. Offer ${r.offer.id!.value} uses agent ${r.agentId} and agent ${records[0]!.agentId}`;
    }
  }
  return undefined;
}

/** `operations/<type>` counter names, made once per type (a LAUNCH counts once per task). */
const OPERATION_COUNTERS = new Map<Offer_Operation_Type, string>();

function countOperation(framework: Framework, type: Offer_Operation_Type): void {
  framework.count("operations");
  let name = OPERATION_COUNTERS.get(type);
  if (name === undefined) OPERATION_COUNTERS.set(type, (name = `operations/${Offer_Operation_Type[type]!.toLowerCase()}`));
  framework.count(name);
}

export function accept(ctx: MasterContext, framework: Framework, call: scheduler.Call_Accept): void {
  const offerIds = call.offerIds.map((o) => o.value);
  const offerError = validateOffers(ctx, framework, offerIds);
  if (offerError) {
    ctx.log.warn(`ACCEPT from framework ${framework.id} with invalid offers: ${offerError}`);
    for (const id of offerIds) {
      if (ctx.offers.get(id)?.frameworkId === framework.id) ctx.offers.remove(id, { recover: true });
    }
    for (const task of launchedTasks(call)) {
      dropTask(ctx, framework, task, TaskStatus_Reason.INVALID_OFFERS, `Task launched with invalid offers: ${offerError}`);
    }
    for (const op of call.operations) {
      if (op.type === Offer_Operation_Type.LAUNCH || op.type === Offer_Operation_Type.LAUNCH_GROUP) continue;
      operationError(ctx, framework, op, "", `Operation attempted with invalid offers: ${offerError}`);
    }
    return;
  }

  framework.count("offers/accepted", offerIds.length);
  let available = Resources.EMPTY;
  let agentId = "";
  let role = "";
  for (const id of offerIds) {
    const record = ctx.offers.remove(id)!;
    available = available.plus(record.resources);
    agentId = record.agentId;
    role = record.role;
  }
  const agent = ctx.agents.get(agentId);

  for (const given of call.operations) {
    const operation = injectAllocationInfo(given, role);
    switch (operation.type) {
      case Offer_Operation_Type.LAUNCH:
        for (const task of operation.launch?.taskInfos ?? []) {
          if (operation.id) {
            taskError(ctx, framework, task, "An operation ID is not allowed on LAUNCH operations", agentId);
            continue;
          }
          const resources = Resources.of(task.resources);
          const error = validateTask(task, resources, agentId, available, (id) => ctx.tasks.known(framework.id, id) !== undefined);
          if (error) {
            taskError(ctx, framework, task, error, agentId);
            continue;
          }
          const executor = task.executor && taskExecutor(ctx, framework, task, resources, agentId, available);
          if (typeof executor === "string") {
            taskError(ctx, framework, task, executor, agentId);
            continue;
          }
          if (!agent?.connected) {
            dropTask(ctx, framework, task, TaskStatus_Reason.AGENT_DISCONNECTED, `Agent ${agentId} is disconnected`);
            continue;
          }
          available = available.minus(consumedBy(resources));
          if (executor) {
            available = available.minus(executor.resources);
            if (!executor.known) ctx.executors.add({ frameworkId: framework.id, agentId, info: executor.info });
          }
          launchTask(ctx, framework, executor ? create(TaskInfoSchema, { ...task, executor: executor.info }) : task, resources, agentId);
          // As Mesos: a LAUNCH counts once per task launched, other operations once each.
          countOperation(framework, operation.type);
        }
        break;
      case Offer_Operation_Type.LAUNCH_GROUP:
        countOperation(framework, operation.type);
        available = launchGroup(ctx, framework, operation, agentId, available);
        break;
      case Offer_Operation_Type.RESERVE:
      case Offer_Operation_Type.UNRESERVE:
      case Offer_Operation_Type.CREATE:
      case Offer_Operation_Type.DESTROY:
      case Offer_Operation_Type.GROW_VOLUME:
      case Offer_Operation_Type.SHRINK_VOLUME:
      case Offer_Operation_Type.CREATE_DISK:
      case Offer_Operation_Type.DESTROY_DISK:
        countOperation(framework, operation.type);
        available = applyOfferOperation(ctx, framework, agentId, operation, available);
        break;
      default:
        operationError(ctx, framework, operation, agentId, `Operation ${Offer_Operation_Type[operation.type] ?? operation.type} is not supported`);
    }
  }

  if (!available.isEmpty()) {
    ctx.offers.giveBack(framework.id, agentId, available, refuseSeconds(call.filters));
  }
  ctx.triggerAllocation(agentId);
}

/** One non-launch operation: validated, then applied to what is left of the offers. */
function applyOfferOperation(ctx: MasterContext, framework: Framework, agentId: string, op: Offer_Operation, available: Resources): Resources {
  const agent = ctx.agents.get(agentId);
  if (!agent?.connected) {
    operationError(ctx, framework, op, agentId, `Agent ${agentId} is disconnected`);
    return available;
  }
  const error = validateOperation(op, { framework, agent, agentTotal: agent.total, agentTasks: ctx.tasks.onAgent(agent.id) });
  if (error) {
    operationError(ctx, framework, op, agentId, error);
    return available;
  }
  try {
    return applyOperation(ctx, agent, framework, op, available).available;
  } catch (e) {
    operationError(ctx, framework, op, agentId, `Invalid ${Offer_Operation_Type[op.type]} operation: ${errorMessage(e)}`);
    return available;
  }
}

function launchedTasks(call: scheduler.Call_Accept): TaskInfo[] {
  return call.operations.flatMap((op) => [...(op.launch?.taskInfos ?? []), ...(op.launchGroup?.taskGroup?.tasks ?? [])]);
}

function launchTask(ctx: MasterContext, framework: Framework, info: TaskInfo, resources: Resources, agentId: string): void {
  const sent = addLaunchedTask(ctx, framework, info, resources, agentId);
  ctx.agents.get(agentId)!.send(runTaskFrame(framework.info, sent));
}
