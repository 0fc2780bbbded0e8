/** Building the task statuses the master itself sends, and UPDATE events (the TaskLedger moves tasks). */
import type { Clock } from "@mesos/core";
import {
  AgentIDSchema,
  scheduler,
  TaskIDSchema,
  type TaskState,
  type TaskStatus,
  TaskStatus_Reason,
  TaskStatus_Source,
  TaskStatusSchema,
} from "@mesos/proto";
import { shellOf } from "@mesos/rpc";

export interface MasterStatusFields {
  taskId: string;
  agentId?: string;
  state: TaskState;
  reason: TaskStatus_Reason;
  message: string;
}

/**
 * A status the master itself generates (reconciliation, agent loss): no uuid, nothing to ack.
 * Its fields are set one by one on empty messages, as `create` with these fields would set them:
 * `create` with an init object visits every field of the schema, half the cost of a
 * reconciliation answer (100,000 of them after a failover); the empty messages are made as
 * `create` makes them, without its walk over the schema (shellOf).
 */
export function masterStatus(ctx: { clock: Clock }, fields: MasterStatusFields): TaskStatus {
  const status = newStatus();
  status.taskId = newTaskId();
  status.taskId.value = fields.taskId;
  status.state = fields.state;
  status.message = fields.message;
  if (fields.agentId) {
    status.agentId = newAgentId();
    status.agentId.value = fields.agentId;
  }
  status.timestamp = ctx.clock.now() / 1000;
  status.source = TaskStatus_Source.MASTER;
  status.reason = fields.reason;
  return status;
}

export function updateEvent(status: TaskStatus): scheduler.Event {
  const update = newUpdate();
  update.status = status;
  const event = newEvent();
  event.type = scheduler.Event_Type.UPDATE;
  event.update = update;
  return event;
}

export { TaskStatus_Reason };

const newStatus = shellOf(TaskStatusSchema);
const newTaskId = shellOf(TaskIDSchema);
const newAgentId = shellOf(AgentIDSchema);
const newUpdate = shellOf(scheduler.Event_UpdateSchema);
const newEvent = shellOf(scheduler.EventSchema);
