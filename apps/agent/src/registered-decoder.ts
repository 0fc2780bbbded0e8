/**
 * The master's answer to an attach, `MasterMessage { registered: Registered }`, read by hand (its
 * master writes it by hand too: apps/master's registered-frame.ts). After a failover every agent
 * reads one at once, and protobuf-es's reflective decoding of it, mostly of the MasterInfo inside,
 * was about as costly as the rest of handling it. The MasterInfo is the same in every Registered
 * from one master: its decoding is kept with the bytes it came from and used again while they
 * stay the same (one per registration for a real agent; the hollow agents sharing a process share
 * it). It is shared: nobody changes it (the agent only logs its id).
 *
 * Only the usual shape is read here (an agent id that is a non-empty ASCII value, the MasterInfo,
 * an ASCII connection id, the two timeouts, each at most once, in any order); anything else (the
 * rare reconciliations, an unknown field, a field twice) goes to protobuf-es, so the message is
 * the same either way.
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import { internal, type MasterInfo, MasterInfoSchema } from "@mesos/proto";
import { after, asciiText, delimited, idValue, tag } from "@mesos/rpc";

const REGISTERED = tag(internal.MasterMessageSchema.field.registered!, 2);
const R = internal.RegisteredSchema.field;
const AGENT_ID = tag(R.agentId!, 2);
const MASTER_INFO = tag(R.masterInfo!, 2);
const CONNECTION_ID = tag(R.connectionId!, 2);
const PING_INTERVAL = tag(R.pingIntervalSeconds!, 1);
const TOTAL_PING_TIMEOUT = tag(R.totalPingTimeoutSeconds!, 1);

/** A double's 8 bytes, little-endian as protobuf has them (every platform Bun runs on is). */
const scratchDouble = new Float64Array(1);
const scratchBytes = new Uint8Array(scratchDouble.buffer);

let lastInfo: { bytes: Uint8Array; info: MasterInfo } | undefined;

/** The frame as a MasterMessage if it is a Registered of the usual shape (above), or undefined. */
export function readRegistered(frame: Uint8Array): internal.MasterMessage | undefined {
  if (frame[0] !== REGISTERED) return undefined;
  const body = delimited(frame, 1);
  if (!body || after(frame, body) !== frame.length) return undefined;
  let agentId: string | undefined;
  let info: Uint8Array | undefined;
  let connectionId: string | undefined;
  let pingInterval: number | undefined;
  let totalPingTimeout: number | undefined;
  for (let at = 0; at < body.length; ) {
    const key = body[at++];
    if (key === PING_INTERVAL || key === TOTAL_PING_TIMEOUT) {
      if (at + 8 > body.length || (key === PING_INTERVAL ? pingInterval : totalPingTimeout) !== undefined) return undefined;
      scratchBytes.set(body.subarray(at, at + 8));
      if (key === PING_INTERVAL) pingInterval = scratchDouble[0]!;
      else totalPingTimeout = scratchDouble[0]!;
      at += 8;
      continue;
    }
    const field = delimited(body, at);
    if (!field) return undefined;
    if (key === AGENT_ID && agentId === undefined) {
      agentId = idValue(field);
      if (agentId === undefined) return undefined;
    } else if (key === MASTER_INFO && !info) {
      info = field;
    } else if (key === CONNECTION_ID && connectionId === undefined) {
      connectionId = asciiText(field);
      if (connectionId === undefined) return undefined;
    } else {
      return undefined;
    }
    at = after(body, field);
  }
  if (agentId === undefined || !info || connectionId === undefined) return undefined;
  const decodedInfo = masterInfo(info);
  if (!decodedInfo) return undefined;
  const registered = create(internal.RegisteredSchema, { agentId: { value: agentId }, masterInfo: decodedInfo, connectionId });
  // Set only when present, as protobuf-es leaves an absent proto2 field unset.
  if (pingInterval !== undefined) registered.pingIntervalSeconds = pingInterval;
  if (totalPingTimeout !== undefined) registered.totalPingTimeoutSeconds = totalPingTimeout;
  return create(internal.MasterMessageSchema, { message: { case: "registered", value: registered } });
}

/**
 * The MasterInfo these bytes encode (the last one again while the bytes are the same), or
 * undefined if they do not decode alone: protobuf-es reading the whole frame lets a field inside
 * run on past the MasterInfo's end, and the frame is left to it to read as it does.
 */
function masterInfo(bytes: Uint8Array): MasterInfo | undefined {
  const last = lastInfo;
  if (last && sameBytes(last.bytes, bytes)) return last.info;
  let info: MasterInfo;
  try {
    info = fromBinary(MasterInfoSchema, bytes);
  } catch {
    return undefined;
  }
  // A copy: the view would keep the whole frame.
  lastInfo = { bytes: bytes.slice(), info };
  return info;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
