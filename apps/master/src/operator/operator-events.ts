/**
 * What the rest of the master tells operator API subscribers, at the points where Mesos does:
 * a task launched (TASK_ADDED) or changing state (TASK_UPDATED), an agent added or removed, a
 * framework added, re-subscribed (FRAMEWORK_UPDATED) or removed. Messages are copies, so a
 * subscriber that serializes later still sees the state of the moment.
 */
import { clone, create } from "@bufbuild/protobuf";
import { type FrameworkInfo, FrameworkInfoSchema, master, type Task, TaskSchema, type TaskStatus, TaskStatusSchema } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { agentView, frameworkView } from "./views.ts";

const E = master.Event_Type;

export function emitTaskAdded(ctx: MasterContext, task: Task): void {
  ctx.operatorEvents.publish(() => create(master.EventSchema, { type: E.TASK_ADDED, taskAdded: { task: clone(TaskSchema, task) } }));
}

/** `task.state` is the task's latest state; `status` the update that told of it. */
export function emitTaskUpdated(ctx: MasterContext, task: Task, status: TaskStatus): void {
  ctx.operatorEvents.publish(() =>
    create(master.EventSchema, {
      type: E.TASK_UPDATED,
      taskUpdated: { frameworkId: task.frameworkId, status: clone(TaskStatusSchema, status), state: task.state },
    }),
  );
}

export function emitAgentAdded(ctx: MasterContext, agent: Agent): void {
  ctx.operatorEvents.publish(() => create(master.EventSchema, { type: E.AGENT_ADDED, agentAdded: { agent: agentView(ctx, agent) } }));
}

export function emitAgentRemoved(ctx: MasterContext, agentId: string): void {
  ctx.operatorEvents.publish(() => create(master.EventSchema, { type: E.AGENT_REMOVED, agentRemoved: { agentId: { value: agentId } } }));
}

export function emitFrameworkAdded(ctx: MasterContext, framework: Framework): void {
  ctx.operatorEvents.publish(() =>
    create(master.EventSchema, { type: E.FRAMEWORK_ADDED, frameworkAdded: { framework: frameworkView(ctx, framework) } }),
  );
}

export function emitFrameworkUpdated(ctx: MasterContext, framework: Framework): void {
  ctx.operatorEvents.publish(() =>
    create(master.EventSchema, { type: E.FRAMEWORK_UPDATED, frameworkUpdated: { framework: frameworkView(ctx, framework) } }),
  );
}

export function emitFrameworkRemoved(ctx: MasterContext, info: FrameworkInfo): void {
  ctx.operatorEvents.publish(() =>
    create(master.EventSchema, { type: E.FRAMEWORK_REMOVED, frameworkRemoved: { frameworkInfo: clone(FrameworkInfoSchema, info) } }),
  );
}
