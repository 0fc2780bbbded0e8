/**
 * What the agent tells the master when it attaches, from the read model: who it is, what it has,
 * and what runs on it with the updates the framework has not acknowledged yet (the master
 * reconciles its own picture against this on re-registration).
 */
import { create, toBinary } from "@bufbuild/protobuf";
import {
  type ExecutorInfo,
  ExecutorInfoSchema,
  FrameworkIDSchema,
  type FrameworkInfo,
  internal,
  OperationSchema,
  type Task,
  type TaskState,
  TaskSchema,
  type TaskStatus,
} from "@mesos/proto";
import { varintSize, writeVarint } from "@mesos/rpc";
import type { AgentContext, LiveTask } from "../context.ts";
import { frameworkBytes, identityBytes, resourcesBytes } from "./kept-encodings.ts";
import { encodeReportedTask } from "./reported-task-bytes.ts";
import { taskMessage, taskUser } from "./summaries.ts";

/**
 * The report, encoded field by field: who the agent is (fields 1-4), its operations, resource
 * providers and executors (protobuf-es's encoding of each), then the checkpointed resources, the
 * frameworks and the tasks, each from an encoding kept beside it. A task with no unacknowledged
 * updates is encoded once per state (kept beside its live task); who the agent is, its frameworks
 * and resources once (kept-encodings.ts): after a failover 10,000 agents report at once, and
 * encoding every task again was half of an agent's CPU for it, its AgentInfo 25-35 µs more. Each
 * field's bytes are protobuf-es's; fields 5-7 come after 8-10 (field order does not matter to a
 * decoder; repeated fields keep theirs).
 */
export function attachRequest(ctx: AgentContext): Uint8Array {
  // Straight from the live tasks, not the full read model (summaries.ts: executors, sandboxes, sums
  // the report does not carry).
  const frameworks = new Map<string, FrameworkInfo | undefined>();
  const tasks: Uint8Array[] = [];
  for (const live of ctx.tasks.values()) {
    if (!frameworks.has(live.frameworkId)) frameworks.set(live.frameworkId, ctx.frameworks.get(live.frameworkId));
    tasks.push(encodedTask(ctx, live));
  }
  const executorInfos: ExecutorInfo[] = [];
  for (const e of ctx.customExecutors.reported()) {
    if (!frameworks.has(e.frameworkId)) frameworks.set(e.frameworkId, e.framework);
    // The master files it under its framework (Mesos's master sets framework_id on launch).
    executorInfos.push(e.info.frameworkId ? e.info : { ...e.info, frameworkId: create(FrameworkIDSchema, { value: e.frameworkId }) });
  }
  const infos: Uint8Array[] = [];
  for (const info of frameworks.values()) if (info !== undefined) infos.push(frameworkBytes(info));
  const operations = [...ctx.operations.values()].map((o) => toBinary(OperationSchema, o));
  const resourceProviders = ctx.resourceProviders.report().map((p) => toBinary(internal.ResourceProviderSchema, p));
  return withFields(identityBytes(ctx.info, ctx.endpoint), [
    [OPERATIONS_FIELD, operations],
    [RESOURCE_PROVIDERS_FIELD, resourceProviders],
    [EXECUTOR_INFOS_FIELD, executorInfos.map((e) => toBinary(ExecutorInfoSchema, e))],
    [CHECKPOINTED_RESOURCES_FIELD, resourcesBytes(ctx.total)],
    [FRAMEWORKS_FIELD, infos],
    [TASKS_FIELD, tasks],
  ]);
}

/** AttachRequest's field numbers. */
const CHECKPOINTED_RESOURCES_FIELD = 5;
const FRAMEWORKS_FIELD = 6;
const TASKS_FIELD = 7;
const OPERATIONS_FIELD = 8;
const RESOURCE_PROVIDERS_FIELD = 9;
const EXECUTOR_INFOS_FIELD = 10;

/** `rest` followed by each field's messages (already encoded), in the order given. */
function withFields(rest: Uint8Array, fields: [field: number, messages: Uint8Array[]][]): Uint8Array {
  let length = rest.length;
  for (const [, messages] of fields) for (const bytes of messages) length += 1 + varintSize(bytes.length) + bytes.length;
  const frame = new Uint8Array(length);
  frame.set(rest);
  let at = rest.length;
  for (const [field, messages] of fields) {
    for (const bytes of messages) {
      frame[at++] = (field << 3) | 2;
      at = writeVarint(frame, at, bytes.length);
      frame.set(bytes, at);
      at += bytes.length;
    }
  }
  return frame;
}

/** A live task's last encoding without unacknowledged updates, and what it was made from. */
interface EncodedTask {
  state: TaskState;
  agentId: string;
  user: string | undefined;
  bytes: Uint8Array;
}
const encodedTasks = new WeakMap<LiveTask, EncodedTask>();

function encodedTask(ctx: AgentContext, live: LiveTask): Uint8Array {
  const pending = ctx.statusUpdates.pending(live.frameworkId, live.info.taskId!.value);
  if (pending.length > 0) return toBinary(TaskSchema, reportedTask(ctx, live, pending));
  const agentId = ctx.info.id?.value ?? "";
  const user = taskUser(ctx, live);
  const known = encodedTasks.get(live);
  if (known && known.state === live.state && known.agentId === agentId && known.user === user) return known.bytes;
  const bytes =
    encodeReportedTask(live.info, { frameworkId: live.frameworkId, executorId: live.executorId, agentId: ctx.info.id, state: live.state, user }) ??
    toBinary(TaskSchema, reportedTask(ctx, live, pending));
  encodedTasks.set(live, { state: live.state, agentId, user, bytes });
  return bytes;
}

/** The task as the master is told of it: the agent's id, no executor for a command task, its unacknowledged updates. */
export function reportedTask(ctx: AgentContext, live: LiveTask, pending: readonly { status: TaskStatus }[]): Task {
  // Built for this call: set in place.
  const task = taskMessage(ctx, live);
  // The master knows no executor for a command task.
  if (!live.executorId) task.executorId = undefined;
  task.agentId = ctx.info.id;
  task.statuses = pending.map((u) => u.status);
  const head = pending[0];
  if (head) {
    task.statusUpdateState = head.status.state;
    task.statusUpdateUuid = head.status.uuid;
  }
  return task;
}
