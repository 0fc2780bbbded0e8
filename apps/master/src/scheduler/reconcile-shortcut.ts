/**
 * RECONCILE, hand-served as acknowledge-shortcut.ts serves ACKNOWLEDGE, on both transports: after
 * a failover every framework asks about each of its tasks, then each second again about those not
 * answered yet (their agents not back): calls of thousands of tasks, whose decoding by protobuf-es
 * and walk for required fields cost the master more than answering them. A body that is exactly
 * `Call { framework_id, type: RECONCILE, reconcile { tasks: [{ task_id, agent_id? }] } }` (each
 * field of the Call and of a task at most once, in any order, the ids non-empty ASCII, nothing
 * else) passes every check of the guard stage and of required fields, so it is read by hand and
 * served as the general path serves it after those: the guard's counter, the calling framework's
 * checks, the handler. Any other body, or a master that does not lead, goes the general way.
 */
import { scheduler } from "@mesos/proto";
import type { CallShortcut } from "@mesos/rpc";
import type { MasterContext } from "../context.ts";
import { schedulerCallCounter } from "../guards.ts";
import { admitLeading } from "../leadership.ts";
import { reconcileTasks, type TaskToReconcile } from "../tasks/reconcile.ts";
import { callingFramework } from "./calls.ts";
import { after, delimited, idValue, tag } from "./plain-call-bytes.ts";
import { STREAM_ID_HEADER } from "./scheduler-service.ts";

const T = scheduler.Call_Type;
const COUNTER = schedulerCallCounter(T.RECONCILE);

const CALL = scheduler.CallSchema.field;
const FRAMEWORK_ID = tag(CALL.frameworkId!, 2);
const TYPE = tag(CALL.type!, 0);
const RECONCILE = tag(CALL.reconcile!, 2);
const TASKS = tag(scheduler.Call_ReconcileSchema.field.tasks!, 2);
const TASK = scheduler.Call_Reconcile_TaskSchema.field;
const TASK_ID = tag(TASK.taskId!, 2);
const AGENT_ID = tag(TASK.agentId!, 2);

export interface PlainReconcile {
  frameworkId: string;
  tasks: TaskToReconcile[];
}

/** A task of the call (`{ task_id, agent_id? }`), or undefined if it is not plain. */
function readTask(task: Uint8Array): TaskToReconcile | undefined {
  let taskId: Uint8Array | undefined;
  let agentId: Uint8Array | undefined;
  for (let at = 0; at < task.length; ) {
    const key = task[at++];
    const bytes = delimited(task, at);
    if (!bytes) return undefined;
    if (key === TASK_ID && !taskId) taskId = bytes;
    else if (key === AGENT_ID && !agentId) agentId = bytes;
    else return undefined;
    at = after(task, bytes);
  }
  const id = idValue(taskId);
  if (id === undefined) return undefined;
  if (!agentId) return { taskId: id, agentId: undefined };
  const agent = idValue(agentId);
  return agent === undefined ? undefined : { taskId: id, agentId: agent };
}

/** The fields of a body that is a plain RECONCILE (above), or undefined. */
export function readPlainReconcile(body: Uint8Array): PlainReconcile | undefined {
  let framework: Uint8Array | undefined;
  let reconcile: Uint8Array | undefined;
  let typed = false;
  for (let at = 0; at < body.length; ) {
    const key = body[at++];
    if (key === TYPE) {
      if (typed || body[at++] !== T.RECONCILE) return undefined;
      typed = true;
      continue;
    }
    const bytes = delimited(body, at);
    if (!bytes) return undefined;
    if (key === FRAMEWORK_ID && !framework) framework = bytes;
    else if (key === RECONCILE && !reconcile) reconcile = bytes;
    else return undefined;
    at = after(body, bytes);
  }
  if (!typed || !framework || !reconcile) return undefined;
  const frameworkId = idValue(framework);
  if (frameworkId === undefined) return undefined;
  const tasks: TaskToReconcile[] = [];
  for (let at = 0; at < reconcile.length; ) {
    if (reconcile[at++] !== TASKS) return undefined;
    const bytes = delimited(reconcile, at);
    if (!bytes) return undefined;
    const task = readTask(bytes);
    if (!task) return undefined;
    tasks.push(task);
    at = after(reconcile, bytes);
  }
  return { frameworkId, tasks };
}

/** The shortcut: the answers go out on the framework's stream; the call is answered at once, as the handler's is. */
export function reconcileShortcut(ctx: MasterContext): CallShortcut {
  return (body, header) => {
    const call = readPlainReconcile(body);
    if (!call || admitLeading(ctx)) return undefined;
    ctx.metrics.increment(COUNTER);
    const framework = callingFramework(ctx, call.frameworkId, header.get(STREAM_ID_HEADER) ?? undefined);
    framework.countCall(T.RECONCILE);
    reconcileTasks(ctx, framework, call.tasks);
    return Promise.resolve();
  };
}
