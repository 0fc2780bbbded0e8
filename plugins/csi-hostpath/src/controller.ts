/**
 * The hostpath plugin's controller side, version-neutral: create and delete volumes (directories or
 * sparse image files) with capacity accounting, attach them to the node (when
 * PUBLISH_UNPUBLISH_VOLUME is on), validate capabilities, list them, report capacity. Errors are
 * gRPC statuses as the CSI spec assigns them.
 */
import { mkdirSync, openSync, closeSync, ftruncateSync } from "node:fs";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Capability, kindOf, unsupportedBecause } from "./capability.ts";
import { removeData, type VolumeRecord, type VolumeStore, volumeIdFor } from "./volume-store.ts";

/** CreateVolume without required bytes gets this much (or what is left, or its limit), as Mesos's test plugin. */
const DEFAULT_VOLUME_BYTES = 1024 ** 3;

export interface ControllerOptions {
  store: VolumeStore;
  nodeId: string;
  /** `--create_parameters`: CreateVolume and GetCapacity must ask for exactly these. */
  createParameters: Record<string, string>;
}

export function sameParameters(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

export function notFound(id: string): ConnectError {
  return new ConnectError(`Volume '${id}' does not exist`, Code.NotFound);
}

export function createController(options: ControllerOptions) {
  const { store, nodeId, createParameters } = options;
  const show = (p: Record<string, string>) => JSON.stringify(p);

  function checkCapabilities(capabilities: Capability[], kind?: VolumeRecord["kind"]): string | undefined {
    if (capabilities.length === 0) return "no volume capability given";
    for (const c of capabilities) {
      const why = unsupportedBecause(c, kind ?? kindOf(capabilities[0]!));
      if (why) return why;
    }
    return undefined;
  }

  return {
    createVolume(req: {
      name: string;
      requiredBytes: number;
      limitBytes: number;
      capabilities: Capability[];
      parameters: Record<string, string>;
    }): VolumeRecord {
      if (!req.name) throw new ConnectError("CreateVolume needs a 'name'", Code.InvalidArgument);
      if (Buffer.byteLength(req.name) > 128) throw new ConnectError("A volume name may be at most 128 bytes", Code.InvalidArgument);
      const why = checkCapabilities(req.capabilities);
      if (why) throw new ConnectError(`Unsupported volume capability: ${why}`, Code.InvalidArgument);
      if (!sameParameters(req.parameters, createParameters)) {
        throw new ConnectError(
          `Unsupported create parameters ${show(req.parameters)}: this plugin takes ${show(createParameters)}`,
          Code.InvalidArgument,
        );
      }
      const { requiredBytes: required, limitBytes: limit } = req;
      if (required < 0 || limit < 0 || (limit > 0 && required > limit)) {
        throw new ConnectError(`Invalid capacity range: required ${required} bytes, limit ${limit} bytes`, Code.OutOfRange);
      }
      const kind = kindOf(req.capabilities[0]!)!;
      const existing = store.byName(req.name);
      if (existing) {
        const fits = existing.capacity >= required && (limit === 0 || existing.capacity <= limit);
        if (!fits || existing.kind !== kind || !sameParameters(existing.parameters, req.parameters)) {
          throw new ConnectError(
            `Volume '${req.name}' already exists as a ${existing.kind.toUpperCase()} volume of ${existing.capacity} bytes, incompatible with this request`,
            Code.AlreadyExists,
          );
        }
        return existing;
      }
      const available = store.available();
      const fallback = Math.min(available, DEFAULT_VOLUME_BYTES);
      const capacity = required > 0 ? required : limit > 0 ? Math.min(fallback, limit) : fallback;
      if (capacity > available || capacity === 0) {
        throw new ConnectError(`Insufficient capacity: ${capacity || required} bytes asked, ${available} available`, Code.OutOfRange);
      }
      const record: VolumeRecord = {
        id: volumeIdFor(req.name),
        name: req.name,
        capacity,
        kind,
        preexisting: false,
        parameters: req.parameters,
        attachedTo: [],
        publishedAt: [],
      };
      makeData(store.dataPath(record), kind, capacity);
      store.save(record);
      return record;
    },

    deleteVolume(id: string): void {
      const record = store.get(id);
      if (!record) return; // deleting what is gone succeeds (the spec's idempotency)
      if (record.publishedAt.length > 0 || record.stagedAt || record.attachedTo.length > 0) {
        const where = [...record.publishedAt, ...(record.stagedAt ? [record.stagedAt] : []), ...record.attachedTo.map((n) => `node ${n}`)];
        throw new ConnectError(`Volume '${id}' is in use (${where.join(", ")})`, Code.FailedPrecondition);
      }
      removeData(store.dataPath(record));
      store.remove(id);
    },

    controllerPublish(req: { volumeId: string; nodeId: string; capability?: Capability }): Record<string, string> {
      const record = store.get(req.volumeId);
      if (!record) throw notFound(req.volumeId);
      if (req.nodeId !== nodeId) throw new ConnectError(`Node '${req.nodeId}' does not exist (this is '${nodeId}')`, Code.NotFound);
      const why = req.capability ? unsupportedBecause(req.capability, record.kind) : "no volume capability given";
      if (why) throw new ConnectError(`Unsupported volume capability: ${why}`, Code.InvalidArgument);
      if (!record.attachedTo.includes(nodeId)) store.save({ ...record, attachedTo: [...record.attachedTo, nodeId] });
      return { node_id: nodeId };
    },

    controllerUnpublish(req: { volumeId: string; nodeId: string }): void {
      const record = store.get(req.volumeId);
      if (!record) throw notFound(req.volumeId);
      if (req.nodeId && req.nodeId !== nodeId) throw new ConnectError(`Node '${req.nodeId}' does not exist (this is '${nodeId}')`, Code.NotFound);
      if (record.attachedTo.length > 0) store.save({ ...record, attachedTo: [] });
    },

    /** Why the volume does not support the capabilities (and parameters, if given), or undefined. */
    validate(req: { volumeId: string; capabilities: Capability[]; parameters?: Record<string, string> }): string | undefined {
      const record = store.get(req.volumeId);
      if (!record) throw notFound(req.volumeId);
      if (req.capabilities.length === 0) throw new ConnectError("ValidateVolumeCapabilities needs a volume capability", Code.InvalidArgument);
      const why = checkCapabilities(req.capabilities, record.kind);
      if (why) return why;
      if (req.parameters && Object.keys(req.parameters).length > 0 && !sameParameters(req.parameters, record.parameters)) {
        return `the volume was created with parameters ${show(record.parameters)}, not ${show(req.parameters)}`;
      }
      return undefined;
    },

    listVolumes(req: { maxEntries: number; startingToken: string }): { entries: VolumeRecord[]; nextToken: string } {
      const all = store.all();
      const start = req.startingToken ? Number(req.startingToken) : 0;
      if (!Number.isInteger(start) || start < 0 || start > all.length) {
        throw new ConnectError(`Invalid starting token '${req.startingToken}'`, Code.Aborted);
      }
      const end = req.maxEntries > 0 ? Math.min(all.length, start + req.maxEntries) : all.length;
      return { entries: all.slice(start, end), nextToken: end < all.length ? String(end) : "" };
    },

    getCapacity(req: { capabilities: Capability[]; parameters: Record<string, string> }): number {
      if (req.capabilities.length > 0 && checkCapabilities(req.capabilities)) return 0;
      if (!sameParameters(req.parameters, createParameters)) return 0;
      return store.available();
    },
  };
}

/** A MOUNT volume is a directory; a BLOCK volume a sparse file of its capacity. */
export function makeData(path: string, kind: VolumeRecord["kind"], capacity: number): void {
  if (kind === "mount") {
    mkdirSync(path, { recursive: true });
    return;
  }
  const fd = openSync(path, "w");
  try {
    ftruncateSync(fd, capacity);
  } finally {
    closeSync(fd);
  }
}
