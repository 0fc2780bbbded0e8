/**
 * ACKNOWLEDGE, hand-served (@mesos/rpc's call-shortcut.ts) on both transports: a framework sends
 * three a task, and protobuf-es's reflective decoding of one cost about as much as handling it.
 * A body that is exactly `Call { framework_id, type: ACKNOWLEDGE, acknowledge { agent_id, task_id,
 * uuid } }` (each field once, in any order, the ids non-empty ASCII, the uuid 16 bytes, nothing
 * else) passes every check of the guard stage and of required fields, so it is read by hand and
 * served as the general path serves it after those: the guard's counter, the calling framework's
 * checks, the handler. Any other body, or a master that does not lead, goes the general way.
 */
import { scheduler } from "@mesos/proto";
import { after, type CallShortcut, delimited, idValue, tag } from "@mesos/rpc";
import type { MasterContext } from "../context.ts";
import { schedulerCallCounter } from "../guards.ts";
import { admitLeading } from "../leadership.ts";
import { callingFramework } from "./calls.ts";
import { STREAM_ID_HEADER } from "./scheduler-service.ts";
import { acknowledge } from "./simple-calls.ts";

const T = scheduler.Call_Type;
const COUNTER = schedulerCallCounter(T.ACKNOWLEDGE);
const UUID_BYTES = 16;

const CALL = scheduler.CallSchema.field;
const FRAMEWORK_ID = tag(CALL.frameworkId!, 2);
const TYPE = tag(CALL.type!, 0);
const ACKNOWLEDGE = tag(CALL.acknowledge!, 2);
const ACK = scheduler.Call_AcknowledgeSchema.field;
const AGENT_ID = tag(ACK.agentId!, 2);
const TASK_ID = tag(ACK.taskId!, 2);
const UUID = tag(ACK.uuid!, 2);

export interface PlainAcknowledge {
  frameworkId: string;
  agentId: string;
  taskId: string;
  /** A view of the body (as protobuf-es's decoding gives it). */
  uuid: Uint8Array;
}

/** The fields of a body that is a plain ACKNOWLEDGE (above), or undefined. */
export function readPlainAcknowledge(body: Uint8Array): PlainAcknowledge | undefined {
  let framework: Uint8Array | undefined;
  let ack: Uint8Array | undefined;
  let typed = false;
  for (let at = 0; at < body.length; ) {
    const key = body[at++];
    if (key === TYPE) {
      if (typed || body[at++] !== T.ACKNOWLEDGE) return undefined;
      typed = true;
      continue;
    }
    const bytes = delimited(body, at);
    if (!bytes) return undefined;
    if (key === FRAMEWORK_ID && !framework) framework = bytes;
    else if (key === ACKNOWLEDGE && !ack) ack = bytes;
    else return undefined;
    at = after(body, bytes);
  }
  if (!typed || !framework || !ack) return undefined;
  let agent: Uint8Array | undefined;
  let task: Uint8Array | undefined;
  let uuid: Uint8Array | undefined;
  for (let at = 0; at < ack.length; ) {
    const key = ack[at++];
    const bytes = delimited(ack, at);
    if (!bytes) return undefined;
    if (key === AGENT_ID && !agent) agent = bytes;
    else if (key === TASK_ID && !task) task = bytes;
    else if (key === UUID && !uuid) uuid = bytes;
    else return undefined;
    at = after(ack, bytes);
  }
  if (uuid?.length !== UUID_BYTES) return undefined;
  const frameworkId = idValue(framework);
  const agentId = idValue(agent);
  const taskId = idValue(task);
  if (frameworkId === undefined || agentId === undefined || taskId === undefined) return undefined;
  return { frameworkId, agentId, taskId, uuid };
}

/** The shortcut: resolves once the acknowledgement is committed, as the handler's answer does. */
export function acknowledgeShortcut(ctx: MasterContext): CallShortcut {
  return (body, header) => {
    const ack = readPlainAcknowledge(body);
    if (!ack || admitLeading(ctx)) return undefined;
    ctx.metrics.increment(COUNTER);
    const framework = callingFramework(ctx, ack.frameworkId, header.get(STREAM_ID_HEADER) ?? undefined);
    framework.countCall(T.ACKNOWLEDGE);
    return acknowledge(ctx, framework, ack.agentId, ack.taskId, ack.uuid);
  };
}
