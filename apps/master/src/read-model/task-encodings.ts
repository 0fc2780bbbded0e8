/**
 * Each task's encodings, kept with the task while it does not change: its v0 JSON text, its v1
 * JSON text and its v1 protobuf bytes. At 100,000 tasks encoding
 * the tasks is most of what a state view costs, and between two reads almost every task is as it
 * was. A task changes only through the TaskLedger, by a new status (appended, the oldest dropped at
 * 64), a new state or a new agent (re-registration), so those identify a task's version; whatever
 * else a Task holds is set at launch. An encoding is computed on first use (the v1 protobuf bytes
 * only if someone asks GET_STATE in protobuf) and dropped with the task.
 */
import { toBinary } from "@bufbuild/protobuf";
import { toMesosJsonText } from "@mesos/core";
import { type Task, TaskSchema } from "@mesos/proto";

interface Encodings {
  state: number;
  statusUpdateState: number | undefined;
  statuses: number;
  lastStatus: unknown;
  agentId: unknown;
  v0?: string;
  v1?: string;
  binary?: Uint8Array;
}

const cache = new WeakMap<Task, Encodings>();

function encodings(task: Task): Encodings {
  const statuses = task.statuses.length;
  const lastStatus = task.statuses[statuses - 1];
  const known = cache.get(task);
  if (
    known &&
    known.state === task.state &&
    known.statusUpdateState === task.statusUpdateState &&
    known.statuses === statuses &&
    known.lastStatus === lastStatus &&
    known.agentId === task.agentId
  ) {
    return known;
  }
  const fresh: Encodings = { state: task.state, statusUpdateState: task.statusUpdateState, statuses, lastStatus, agentId: task.agentId };
  cache.set(task, fresh);
  return fresh;
}

/** The task as v0 JSON text, written by `encode` when the task changed. */
export function taskV0Text(task: Task, encode: (task: Task) => string): string {
  const e = encodings(task);
  return (e.v0 ??= encode(task));
}

/** The task as Mesos's v1 JSON text (the operator API's Task). */
export function taskV1Text(task: Task): string {
  const e = encodings(task);
  return (e.v1 ??= toMesosJsonText(TaskSchema, task));
}

/** The task as v1 protobuf bytes. */
export function taskV1Binary(task: Task): Uint8Array {
  const e = encodings(task);
  return (e.binary ??= toBinary(TaskSchema, task));
}
