/** Building the task statuses the master itself sends, and UPDATE events (the TaskLedger moves tasks). */
import { create } from "@bufbuild/protobuf";
import type { Clock } from "@mesos/core";
import { type TaskState, type TaskStatus, TaskStatus_Reason, TaskStatus_Source, TaskStatusSchema, scheduler } from "@mesos/proto";

export interface MasterStatusFields {
  taskId: string;
  agentId?: string;
  state: TaskState;
  reason: TaskStatus_Reason;
  message: string;
}

/** A status the master itself generates (reconciliation, agent loss): no uuid, nothing to ack. */
export function masterStatus(ctx: { clock: Clock }, fields: MasterStatusFields): TaskStatus {
  return create(TaskStatusSchema, {
    taskId: { value: fields.taskId },
    agentId: fields.agentId ? { value: fields.agentId } : undefined,
    state: fields.state,
    reason: fields.reason,
    message: fields.message,
    source: TaskStatus_Source.MASTER,
    timestamp: ctx.clock.now() / 1000,
  });
}

export function updateEvent(status: TaskStatus): scheduler.Event {
  return create(scheduler.EventSchema, { type: scheduler.Event_Type.UPDATE, update: { status } });
}

export { TaskStatus_Reason };
