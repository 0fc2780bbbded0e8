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
import { after, type CallShortcut, delimited, idValue, tag } from "@mesos/rpc";
import type { MasterContext } from "../context.ts";
import { schedulerCallCounter } from "../guards.ts";
import { admitLeading } from "../leadership.ts";
import { reconcileTasks, type TaskToReconcile } from "../tasks/reconcile.ts";
import { callingFramework } from "./calls.ts";
import { NOT_PLAIN, WireReader } from "../agents/wire-reader.ts";
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

/** `value = 1` of TaskID and AgentID. */
const ID_VALUE = tag({ number: 1 }, 2);

/** An id message with exactly one `value`, non-empty ASCII (`recent` as for WireReader.ascii). */
function readId(r: WireReader, recent: boolean): string {
  const end = r.end();
  if (r.pos >= end || r.varint() !== ID_VALUE) throw NOT_PLAIN;
  const value = r.ascii(recent);
  if (value.length === 0) throw NOT_PLAIN;
  return r.at(end, value);
}

/** The tasks of `reconcile { tasks: [{ task_id, agent_id? }] }`, each field of a task at most once. */
function readTasks(reconcile: Uint8Array): TaskToReconcile[] {
  const r = new WireReader(reconcile);
  const tasks: TaskToReconcile[] = [];
  while (r.pos < reconcile.length) {
    if (r.varint() !== TASKS) throw NOT_PLAIN;
    const end = r.end();
    let taskId: string | undefined;
    let agentId: string | undefined;
    while (r.pos < end) {
      const key = r.varint();
      // Task ids are each new; agent ids repeat (an agent's tasks).
      if (key === TASK_ID && taskId === undefined) taskId = readId(r, false);
      else if (key === AGENT_ID && agentId === undefined) agentId = readId(r, true);
      else throw NOT_PLAIN;
    }
    if (taskId === undefined) throw NOT_PLAIN;
    tasks.push(r.at(end, { taskId, agentId }));
  }
  return tasks;
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
  let tasks: TaskToReconcile[];
  try {
    tasks = readTasks(reconcile);
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
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
