/**
 * The scheduler Call that reconciles tasks, written byte by byte. After a master fails over, a
 * framework asks about every task it runs, then again about those not answered yet (their agents
 * are not back): calls of thousands of tasks each, which protobuf-es built (`create`, then its
 * reflective `toBinary`) at 1-5 µs a task of the framework's CPU.
 */
import { scheduler } from "@mesos/proto";
import { varintSize, writeVarint } from "@mesos/rpc";
import {
  AGENT_ID_VALUE,
  CALL,
  encoder,
  FRAMEWORK_ID,
  FRAMEWORK_ID_VALUE,
  fieldSize,
  lengthDelimited,
  TASK_ID_VALUE,
  TYPE,
  writeHead,
  writeId,
} from "./call-bytes.ts";

const TASK = scheduler.Call_Reconcile_TaskSchema.field;
const BODY = lengthDelimited(CALL.reconcile!.number);
const TASKS = lengthDelimited(scheduler.Call_ReconcileSchema.field.tasks!.number);
const TASK_ID = lengthDelimited(TASK.taskId!.number);
const AGENT_ID = lengthDelimited(TASK.agentId!.number);

/**
 * `Call { framework_id, type: RECONCILE, reconcile { tasks: [{ task_id, agent_id? }] } }`, encoded
 * as protobuf-es encodes it (fields in the schema's order); a task without an agent id (or with an
 * empty one) has no `agent_id`. `frameworkId` comes encoded: it is the same on every call of a subscription.
 */
export function reconcileCall(frameworkId: Uint8Array, tasks: readonly { taskId: string; agentId?: string }[]): Uint8Array {
  const encoded = tasks.map(({ taskId, agentId }) => {
    const task = encoder.encode(taskId);
    const agent = agentId ? encoder.encode(agentId) : undefined;
    const size =
      fieldSize(TASK_ID, fieldSize(TASK_ID_VALUE, task.length)) + (agent ? fieldSize(AGENT_ID, fieldSize(AGENT_ID_VALUE, agent.length)) : 0);
    return { task, agent, size };
  });
  const body = encoded.reduce((n, t) => n + fieldSize(TASKS, t.size), 0);
  const out = new Uint8Array(
    fieldSize(FRAMEWORK_ID, fieldSize(FRAMEWORK_ID_VALUE, frameworkId.length)) +
      varintSize(TYPE) +
      varintSize(scheduler.Call_Type.RECONCILE) +
      fieldSize(BODY, body),
  );
  let at = writeId(out, 0, FRAMEWORK_ID, FRAMEWORK_ID_VALUE, frameworkId);
  at = writeVarint(out, writeVarint(out, at, TYPE), scheduler.Call_Type.RECONCILE);
  at = writeHead(out, at, BODY, body);
  for (const { task, agent, size } of encoded) {
    at = writeHead(out, at, TASKS, size);
    at = writeId(out, at, TASK_ID, TASK_ID_VALUE, task);
    if (agent) at = writeId(out, at, AGENT_ID, AGENT_ID_VALUE, agent);
  }
  return out;
}
