/**
 * The hostpath plugin's node side, version-neutral. NodeStageVolume binds a MOUNT volume's
 * directory onto the staging path (a BLOCK volume: attaches a loop device and binds its node onto
 * `<staging>/block`); NodePublishVolume binds the staged volume (or, without STAGE_UNSTAGE_VOLUME,
 * the data itself) onto a target path it creates; the un- calls undo that and are idempotent.
 */
import { existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Capability, READER_ONLY_MODE, unsupportedBecause } from "./capability.ts";
import { notFound } from "./controller.ts";
import { attachLoop, bindOnce, detachLoop, isMountPoint, removeTarget, unmountAll } from "./node-mounts.ts";
import type { VolumeRecord, VolumeStore } from "./volume-store.ts";

export interface NodeOptions {
  store: VolumeStore;
  nodeId: string;
  stageUnstage: boolean;
  /** With PUBLISH_UNPUBLISH_VOLUME the CO must have attached the volume to this node first. */
  controllerPublish: boolean;
}

function stagedBlockPath(stagingPath: string): string {
  return join(stagingPath, "block");
}

export function createNode(options: NodeOptions) {
  const { store, nodeId } = options;

  function volume(id: string): VolumeRecord {
    if (!id) throw new ConnectError("A 'volume_id' is required", Code.InvalidArgument);
    const record = store.get(id);
    if (!record) throw notFound(id);
    return record;
  }

  function checkAttached(record: VolumeRecord, publishContext: Record<string, string>): void {
    if (!options.controllerPublish) return;
    if (!record.attachedTo.includes(nodeId) || publishContext.node_id !== nodeId) {
      throw new ConnectError(`Volume '${record.id}' is not controller-published to node '${nodeId}'`, Code.FailedPrecondition);
    }
  }

  function checkCapability(record: VolumeRecord, capability: Capability | undefined): void {
    const why = capability ? unsupportedBecause(capability, record.kind) : "no volume capability given";
    if (why) throw new ConnectError(`Unsupported volume capability: ${why}`, Code.InvalidArgument);
  }

  return {
    async stage(req: { volumeId: string; stagingPath: string; capability?: Capability; publishContext: Record<string, string> }): Promise<void> {
      if (!options.stageUnstage) throw new ConnectError("This plugin does not have STAGE_UNSTAGE_VOLUME", Code.Unimplemented);
      const record = volume(req.volumeId);
      if (!req.stagingPath) throw new ConnectError("A 'staging_target_path' is required", Code.InvalidArgument);
      checkCapability(record, req.capability);
      checkAttached(record, req.publishContext);
      if (record.stagedAt && record.stagedAt !== req.stagingPath) {
        throw new ConnectError(`Volume '${record.id}' is already staged at '${record.stagedAt}'`, Code.AlreadyExists);
      }
      if (!existsSync(req.stagingPath) || !statSync(req.stagingPath).isDirectory()) {
        throw new ConnectError(`The staging path '${req.stagingPath}' is not a directory (the CO creates it)`, Code.FailedPrecondition);
      }
      const data = store.dataPath(record);
      if (record.kind === "mount") bindOnce(data, req.stagingPath, false);
      else bindOnce(await attachLoop(data), stagedBlockPath(req.stagingPath), false);
      if (record.stagedAt !== req.stagingPath) store.save({ ...record, stagedAt: req.stagingPath });
    },

    async unstage(req: { volumeId: string; stagingPath: string }): Promise<void> {
      if (!options.stageUnstage) throw new ConnectError("This plugin does not have STAGE_UNSTAGE_VOLUME", Code.Unimplemented);
      const record = volume(req.volumeId);
      if (!req.stagingPath) throw new ConnectError("A 'staging_target_path' is required", Code.InvalidArgument);
      if (record.publishedAt.length > 0) {
        throw new ConnectError(`Volume '${record.id}' is still published at ${record.publishedAt.join(", ")}`, Code.FailedPrecondition);
      }
      if (record.kind === "mount") unmountAll(req.stagingPath);
      else {
        unmountAll(stagedBlockPath(req.stagingPath));
        rmSync(stagedBlockPath(req.stagingPath), { force: true });
        await detachLoop(store.dataPath(record));
      }
      if (record.stagedAt) store.save({ ...record, stagedAt: undefined });
    },

    async publish(req: {
      volumeId: string;
      stagingPath: string;
      targetPath: string;
      capability?: Capability;
      readonly: boolean;
      publishContext: Record<string, string>;
    }): Promise<void> {
      const record = volume(req.volumeId);
      if (!req.targetPath) throw new ConnectError("A 'target_path' is required", Code.InvalidArgument);
      checkCapability(record, req.capability);
      checkAttached(record, req.publishContext);
      let source: string;
      if (options.stageUnstage) {
        if (!record.stagedAt || (req.stagingPath && req.stagingPath !== record.stagedAt)) {
          throw new ConnectError(`Volume '${record.id}' is not staged at '${req.stagingPath}'`, Code.FailedPrecondition);
        }
        source = record.kind === "mount" ? record.stagedAt : stagedBlockPath(record.stagedAt);
      } else {
        source = record.kind === "mount" ? store.dataPath(record) : await attachLoop(store.dataPath(record));
      }
      const readOnly = req.readonly || req.capability?.accessMode?.mode === READER_ONLY_MODE;
      if (existsSync(req.targetPath) && isMountPoint(req.targetPath) && !record.publishedAt.includes(req.targetPath)) {
        throw new ConnectError(`Target path '${req.targetPath}' already has something else mounted`, Code.AlreadyExists);
      }
      bindOnce(source, req.targetPath, readOnly);
      if (!record.publishedAt.includes(req.targetPath)) store.save({ ...record, publishedAt: [...record.publishedAt, req.targetPath] });
    },

    async unpublish(req: { volumeId: string; targetPath: string }): Promise<void> {
      const record = volume(req.volumeId);
      if (!req.targetPath) throw new ConnectError("A 'target_path' is required", Code.InvalidArgument);
      unmountAll(req.targetPath);
      // The plugin created the target path, so it removes it (CSI v1; Mesos checks it is gone).
      removeTarget(req.targetPath);
      const publishedAt = record.publishedAt.filter((t) => t !== req.targetPath);
      if (record.kind === "block" && !options.stageUnstage && publishedAt.length === 0) await detachLoop(store.dataPath(record));
      if (publishedAt.length !== record.publishedAt.length) store.save({ ...record, publishedAt });
    },
  };
}
