/**
 * The volume state machine of Mesos 1.8's volume managers, written once for both CSI versions:
 *
 *        CREATED  --CONTROLLER_PUBLISH-->  NODE_READY  --NODE_STAGE-->  VOL_READY  --NODE_PUBLISH-->  PUBLISHED
 *                 <-CONTROLLER_UNPUBLISH-              <-NODE_UNSTAGE-             <-NODE_UNPUBLISH-
 *
 * Each step checkpoints its transitional state before the RPC and the new state after it, so a
 * restarted agent resumes an interrupted step (CSI calls are idempotent). A step the plugin has no
 * capability for is skipped without a checkpoint. An interrupted step in the other direction is
 * finished first (e.g. publishing a volume left in NODE_UNSTAGE unstages it, then stages it again).
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { failedPrecondition, internal, type Logger } from "@mesos/core";
import { type VolumeState, VolumeState_State as S } from "@mesos/proto/csi";
import type { ControllerCapabilities, NodeCapabilities } from "./client.ts";
import { stagingPath, targetPath } from "./paths.ts";
import type { RpcCaller } from "./rpc-caller.ts";

export interface TransitionContext {
  /** The tracked state of a volume (mutated in place, then checkpointed). */
  state(volumeId: string): VolumeState;
  checkpoint(volumeId: string): Promise<void>;
  call: RpcCaller;
  controller(): ControllerCapabilities;
  node(): NodeCapabilities;
  nodeId(): string;
  bootId(): string;
  mountRoot: string;
  log: Logger;
}

export const stateName = (s: S) => S[s] ?? String(s);

export function createTransitions(ctx: TransitionContext) {
  const { call, log } = ctx;
  const calling = (rpc: string, id: string) => log.info(`Calling ${rpc} for volume '${id}'`);

  /** Up to NODE_READY from CREATED (ControllerPublishVolume). */
  async function attach(id: string): Promise<void> {
    const s = ctx.state(id);
    if (s.state === S.NODE_READY) return;
    if (s.state !== S.CREATED && s.state !== S.CONTROLLER_PUBLISH && s.state !== S.CONTROLLER_UNPUBLISH) {
      throw failedPrecondition(`Cannot attach volume '${id}' in ${stateName(s.state)} state`);
    }
    if (!ctx.controller().publishUnpublishVolume) {
      s.state = S.NODE_READY;
      return;
    }
    if (s.state === S.CONTROLLER_UNPUBLISH) {
      await detach(id);
      return attach(id);
    }
    if (s.state === S.CREATED) {
      s.state = S.CONTROLLER_PUBLISH;
      await ctx.checkpoint(id);
    }
    calling("ControllerPublishVolume", id);
    const publishContext = await call("CONTROLLER_SERVICE", (c) =>
      c.controllerPublishVolume({ volumeId: id, nodeId: ctx.nodeId(), capability: s.volumeCapability!, readonly: false, context: s.volumeContext }),
    );
    s.state = S.NODE_READY;
    s.publishContext = publishContext;
    await ctx.checkpoint(id);
  }

  /** Down to CREATED from anywhere (unpublishing and unstaging first). */
  async function detach(id: string): Promise<void> {
    const s = ctx.state(id);
    if (s.state === S.CREATED) return;
    if (s.state !== S.NODE_READY && s.state !== S.CONTROLLER_PUBLISH && s.state !== S.CONTROLLER_UNPUBLISH) {
      await unstage(id);
      return detach(id);
    }
    if (!ctx.controller().publishUnpublishVolume) {
      s.state = S.CREATED;
      return;
    }
    if (s.state === S.NODE_READY || s.state === S.CONTROLLER_PUBLISH) {
      s.state = S.CONTROLLER_UNPUBLISH;
      await ctx.checkpoint(id);
    }
    calling("ControllerUnpublishVolume", id);
    await call("CONTROLLER_SERVICE", (c) => c.controllerUnpublishVolume({ volumeId: id, nodeId: ctx.nodeId() }));
    s.state = S.CREATED;
    s.publishContext = {};
    await ctx.checkpoint(id);
  }

  /** Up to VOL_READY (NodeStageVolume at `mounts/<id>/staging`), recording the boot id. */
  async function stage(id: string): Promise<void> {
    const s = ctx.state(id);
    if (s.state === S.VOL_READY) return;
    if (s.state !== S.NODE_READY && s.state !== S.NODE_STAGE && s.state !== S.NODE_UNSTAGE) {
      await attach(id);
      return stage(id);
    }
    if (!ctx.node().stageUnstageVolume) {
      s.state = S.VOL_READY;
      s.bootId = ctx.bootId();
      return;
    }
    if (s.state === S.NODE_UNSTAGE) {
      await unstage(id);
      return stage(id);
    }
    const staging = stagingPath(ctx.mountRoot, id);
    mkdirSync(staging, { recursive: true });
    if (s.state === S.NODE_READY) {
      s.state = S.NODE_STAGE;
      await ctx.checkpoint(id);
    }
    calling("NodeStageVolume", id);
    await call("NODE_SERVICE", (c) =>
      c.nodeStageVolume({
        volumeId: id,
        publishContext: s.publishContext,
        stagingPath: staging,
        capability: s.volumeCapability!,
        context: s.volumeContext,
      }),
    );
    s.state = S.VOL_READY;
    s.bootId = ctx.bootId();
    await ctx.checkpoint(id);
  }

  /** Down to NODE_READY (NodeUnstageVolume), unpublishing first. */
  async function unstage(id: string): Promise<void> {
    const s = ctx.state(id);
    if (s.state === S.NODE_READY) return;
    if (s.state !== S.VOL_READY && s.state !== S.NODE_STAGE && s.state !== S.NODE_UNSTAGE) {
      await unpublish(id);
      return unstage(id);
    }
    if (!ctx.node().stageUnstageVolume) {
      s.state = S.NODE_READY;
      s.bootId = "";
      return;
    }
    if (s.state === S.VOL_READY || s.state === S.NODE_STAGE) {
      s.state = S.NODE_UNSTAGE;
      await ctx.checkpoint(id);
    }
    calling("NodeUnstageVolume", id);
    await call("NODE_SERVICE", (c) => c.nodeUnstageVolume({ volumeId: id, stagingPath: stagingPath(ctx.mountRoot, id) }));
    s.state = S.NODE_READY;
    s.bootId = "";
    await ctx.checkpoint(id);
  }

  /** Up to PUBLISHED (NodePublishVolume at `mounts/<id>/target`, which the plugin creates). */
  async function publish(id: string): Promise<void> {
    const s = ctx.state(id);
    if (s.state === S.PUBLISHED) return;
    if (s.state !== S.VOL_READY && s.state !== S.NODE_PUBLISH && s.state !== S.NODE_UNPUBLISH) {
      await stage(id);
      return publish(id);
    }
    if (s.state === S.NODE_UNPUBLISH) {
      await unpublish(id);
      return publish(id);
    }
    const target = targetPath(ctx.mountRoot, id);
    mkdirSync(dirname(target), { recursive: true });
    if (s.state === S.VOL_READY) {
      s.state = S.NODE_PUBLISH;
      await ctx.checkpoint(id);
    }
    calling("NodePublishVolume", id);
    await call("NODE_SERVICE", (c) =>
      c.nodePublishVolume({
        volumeId: id,
        publishContext: s.publishContext,
        stagingPath: ctx.node().stageUnstageVolume ? stagingPath(ctx.mountRoot, id) : undefined,
        targetPath: target,
        capability: s.volumeCapability!,
        readonly: false,
        context: s.volumeContext,
      }),
    );
    if (!existsSync(target)) throw internal(`Target path '${target}' not created`);
    s.state = S.PUBLISHED;
    // A container is about to use the volume: it stays published across agent restarts until the
    // volume is destroyed, so its data can be cleaned up then.
    s.nodePublishRequired = true;
    await ctx.checkpoint(id);
  }

  /** Down to VOL_READY (NodeUnpublishVolume, which removes the target path). */
  async function unpublish(id: string): Promise<void> {
    const s = ctx.state(id);
    if (s.state === S.VOL_READY) return;
    if (s.state !== S.PUBLISHED && s.state !== S.NODE_PUBLISH && s.state !== S.NODE_UNPUBLISH) {
      throw failedPrecondition(`Cannot unpublish volume '${id}' in ${stateName(s.state)} state`);
    }
    if (s.state === S.PUBLISHED || s.state === S.NODE_PUBLISH) {
      s.state = S.NODE_UNPUBLISH;
      await ctx.checkpoint(id);
    }
    const target = targetPath(ctx.mountRoot, id);
    calling("NodeUnpublishVolume", id);
    await call("NODE_SERVICE", (c) => c.nodeUnpublishVolume({ volumeId: id, targetPath: target }));
    if (existsSync(target)) throw internal(`Target path '${target}' not removed`);
    s.state = S.VOL_READY;
    await ctx.checkpoint(id);
  }

  return { attach, detach, stage, unstage, publish, unpublish };
}

export type Transitions = ReturnType<typeof createTransitions>;
