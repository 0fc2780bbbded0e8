/**
 * The Registered frame the master answers an attach with, written by hand into one buffer around
 * its MasterInfo encoded once: encoding the whole MasterMessage anew (and then protobuf-es's
 * BinaryWriter, allocating as it goes) was a twentieth of a re-registration's CPU, and after a
 * failover every agent re-registers at once. Byte for byte what protobuf-es writes (the test checks).
 */
import { toBinary } from "@bufbuild/protobuf";
import { internal, type MasterInfo, MasterInfoSchema } from "@mesos/proto";
import { varintSize, writeVarint } from "@mesos/rpc";

export interface RegisteredFields {
  agentId: string;
  connectionId: string;
  pingIntervalSeconds: number;
  totalPingTimeoutSeconds: number;
  /** Rare (a launch lost or racing the re-registration): encoded by protobuf-es. */
  reconciliations?: internal.ReconcileTasks[];
}

const encodedInfos = new WeakMap<MasterInfo, Uint8Array>();
/** A double's 8 bytes (little-endian, as protobuf has them, on every platform Bun runs on): a DataView a field cost more than the rest of the frame. */
const scratchDouble = new Float64Array(1);
const scratchBytes = new Uint8Array(scratchDouble.buffer);
const encoder = new TextEncoder();

// Tags: (field number << 3) | wire type (2: length-delimited, 1: 64-bit).
const MASTER_MESSAGE_REGISTERED = (1 << 3) | 2;
const REGISTERED_AGENT_ID = (1 << 3) | 2;
const AGENT_ID_VALUE = (1 << 3) | 2;
const REGISTERED_MASTER_INFO = (2 << 3) | 2;
const REGISTERED_CONNECTION_ID = (3 << 3) | 2;
const REGISTERED_PING_INTERVAL = (4 << 3) | 1;
const REGISTERED_TOTAL_PING_TIMEOUT = (5 << 3) | 1;
const REGISTERED_RECONCILIATIONS = (6 << 3) | 2;

/** MasterMessage { registered: Registered }. */
export function registeredFrame(info: MasterInfo, r: RegisteredFields): Uint8Array {
  let infoBytes = encodedInfos.get(info);
  if (!infoBytes) encodedInfos.set(info, (infoBytes = toBinary(MasterInfoSchema, info)));
  const agentId = encoder.encode(r.agentId);
  const connectionId = encoder.encode(r.connectionId);
  const reconciliations = (r.reconciliations ?? []).map((m) => toBinary(internal.ReconcileTasksSchema, m));
  const agentIdMessage = 1 + varintSize(agentId.length) + agentId.length;
  const registered =
    1 +
    varintSize(agentIdMessage) +
    agentIdMessage +
    1 +
    varintSize(infoBytes.length) +
    infoBytes.length +
    1 +
    varintSize(connectionId.length) +
    connectionId.length +
    9 +
    9 +
    reconciliations.reduce((n, b) => n + 1 + varintSize(b.length) + b.length, 0);
  const out = new Uint8Array(1 + varintSize(registered) + registered);
  let pos = 0;
  const varint = (n: number) => {
    pos = writeVarint(out, pos, n);
  };
  const bytes = (tag: number, b: Uint8Array) => {
    out[pos++] = tag;
    varint(b.length);
    out.set(b, pos);
    pos += b.length;
  };
  const double = (tag: number, value: number) => {
    out[pos++] = tag;
    scratchDouble[0] = value;
    out.set(scratchBytes, pos);
    pos += 8;
  };
  out[pos++] = MASTER_MESSAGE_REGISTERED;
  varint(registered);
  out[pos++] = REGISTERED_AGENT_ID;
  varint(agentIdMessage);
  bytes(AGENT_ID_VALUE, agentId);
  bytes(REGISTERED_MASTER_INFO, infoBytes);
  bytes(REGISTERED_CONNECTION_ID, connectionId);
  double(REGISTERED_PING_INTERVAL, r.pingIntervalSeconds);
  double(REGISTERED_TOTAL_PING_TIMEOUT, r.totalPingTimeoutSeconds);
  for (const b of reconciliations) bytes(REGISTERED_RECONCILIATIONS, b);
  return out;
}
