/**
 * The Registered frame the master answers an attach with, encoded by hand around its MasterInfo
 * encoded once: encoding the whole MasterMessage anew was a twentieth of a re-registration's CPU,
 * and after a failover every agent re-registers at once.
 */
import { toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { type MasterInfo, MasterInfoSchema } from "@mesos/proto";

export interface RegisteredFields {
  agentId: string;
  connectionId: string;
  pingIntervalSeconds: number;
  totalPingTimeoutSeconds: number;
}

const encodedInfos = new WeakMap<MasterInfo, Uint8Array>();

/** MasterMessage { registered: Registered } as protobuf-es would encode it (field order kept). */
export function registeredFrame(info: MasterInfo, r: RegisteredFields): Uint8Array {
  let infoBytes = encodedInfos.get(info);
  if (!infoBytes) encodedInfos.set(info, (infoBytes = toBinary(MasterInfoSchema, info)));
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork(); // MasterMessage.registered
  w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(r.agentId).join(); // agent_id
  w.tag(2, WireType.LengthDelimited).bytes(infoBytes); // master_info
  w.tag(3, WireType.LengthDelimited).string(r.connectionId);
  w.tag(4, WireType.Bit64).double(r.pingIntervalSeconds);
  w.tag(5, WireType.Bit64).double(r.totalPingTimeoutSeconds);
  return w.join().finish();
}
