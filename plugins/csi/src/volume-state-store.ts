/**
 * Where the volume manager checkpoints volume states. The agent backs this with its SQLite state
 * (one row per volume, the `mesos.csi.state.VolumeState` bytes); Mesos 1.8 wrote
 * `csi/<type>/<name>/volumes/<volume_id>/volume.state` files. `save` must be durable when it resolves:
 * the manager calls it before each RPC that moves a volume.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type VolumeState, VolumeStateSchema } from "@mesos/proto/csi";

export interface VolumeStateStore {
  load(): Promise<Map<string, VolumeState>>;
  save(volumeId: string, state: VolumeState): Promise<void>;
  remove(volumeId: string): Promise<void>;
}

/** Kept in memory as serialized bytes (what a durable store would keep); for tests and tools. */
export function createMemoryVolumeStateStore(): VolumeStateStore & { readonly bytes: Map<string, Uint8Array> } {
  const bytes = new Map<string, Uint8Array>();
  return {
    bytes,
    async load() {
      return new Map([...bytes].map(([id, b]) => [id, fromBinary(VolumeStateSchema, b)]));
    },
    async save(volumeId, state) {
      bytes.set(volumeId, toBinary(VolumeStateSchema, state));
    },
    async remove(volumeId) {
      bytes.delete(volumeId);
    },
  };
}
