/**
 * An agent's status update goes to its framework unchanged (the UPDATE event carries the status
 * the agent sent). Its bytes are in the agent's frame already: the event is written around them
 * instead of encoding the decoded status again (protobuf-es's reflective encoder, for every update
 * of every task). Only a frame that names the status once qualifies: protobuf merges a message
 * field that occurs twice, and then the decoded status is not those bytes.
 */
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { internal, scheduler, type TaskStatus } from "@mesos/proto";
import { presetEncoding } from "@mesos/rpc";
import { updateEvent } from "./task-status.ts";

const STATUS_UPDATE = internal.AgentMessageSchema.field.statusUpdate!.number;
const STATUS = internal.StatusUpdateSchema.field.status!.number;
const EVENT = {
  type: scheduler.EventSchema.field.type!.number,
  update: scheduler.EventSchema.field.update!.number,
  status: scheduler.Event_UpdateSchema.field.status!.number,
};

/** The bytes of the one field `number` (length-delimited) in a message; undefined if it is absent or occurs more than once. */
function onlyField(bytes: Uint8Array, number: number): Uint8Array | undefined {
  const reader = new BinaryReader(bytes);
  let found: Uint8Array | undefined;
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no !== number || wireType !== WireType.LengthDelimited) {
      reader.skip(wireType, no);
      continue;
    }
    if (found) return undefined;
    found = reader.bytes();
  }
  return found;
}

/** The TaskStatus bytes of an AgentMessage frame carrying a status update (undefined for anything else). */
export function statusBytesIn(frame: Uint8Array): Uint8Array | undefined {
  try {
    const update = onlyField(frame, STATUS_UPDATE);
    return update && onlyField(update, STATUS);
  } catch {
    return undefined;
  }
}

/** The UPDATE event relaying `status`; with its bytes as the agent sent them, its protobuf encoding is made from those. */
export function relayedUpdateEvent(status: TaskStatus, statusBytes: Uint8Array | undefined): scheduler.Event {
  const event = updateEvent(status);
  if (statusBytes === undefined) return event;
  const w = new BinaryWriter();
  w.tag(EVENT.type, WireType.Varint).int32(scheduler.Event_Type.UPDATE);
  w.tag(EVENT.update, WireType.LengthDelimited).fork().tag(EVENT.status, WireType.LengthDelimited).bytes(statusBytes).join();
  presetEncoding(event, "protobuf", w.finish());
  return event;
}
