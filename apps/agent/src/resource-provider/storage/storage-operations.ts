/**
 * What each operation on a storage resource provider's resources does (Mesos's applyCreateDisk,
 * applyDestroyDisk, applyCreate, applyDestroy). RESERVE/UNRESERVE/CREATE/DESTROY convert resources
 * at once; CREATE_DISK provisions a volume named after the operation's uuid (so a replay after a
 * crash finds the same volume) or validates a pre-existing one against the target profile;
 * DESTROY_DISK deletes it and gives the disk back to its pool.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { clearField, clone, create } from "@bufbuild/protobuf";
import { type Conversion, errorMessage, isPersistentVolume, operationConversion, Resources } from "@mesos/core";
import type { ProfileInfo, VolumeManager } from "@mesos/plugin-csi";
import {
  type Offer_Operation,
  Offer_Operation_Type,
  Resource_DiskInfo_Source_MountSchema,
  Resource_DiskInfo_SourceSchema,
  Resource_DiskInfo_Source_Type as Disk,
  ResourceSchema,
} from "@mesos/proto";
import { labelsOf, MB, mapOf } from "./disk-resources.ts";

export interface OperationEnv {
  volumes: VolumeManager;
  /** The task using a volume, if one does (its disk cannot be destroyed). */
  usedBy(volumeId: string): string | undefined;
  /** Profiles the provider knows now. */
  profiles: ReadonlyMap<string, ProfileInfo>;
  /** `csi/<plugin type>/<plugin name>/mounts`, relative to the agent's work dir (MOUNT disks' root). */
  mountRoot: string;
  /** Where a published volume is on this host. */
  targetPath(volumeId: string): string;
}

/** Operations whose pools may not change under them while they run. */
export function allowsReconciliation(info: Offer_Operation): boolean {
  switch (info.type) {
    case Offer_Operation_Type.RESERVE:
    case Offer_Operation_Type.UNRESERVE:
      return ![...operationConversion(info).consumed].some((r) => r.disk?.source?.type === Disk.RAW && !!r.disk.source.profile && !r.disk.source.id);
    case Offer_Operation_Type.CREATE_DISK:
    case Offer_Operation_Type.DESTROY_DISK:
      return false;
    default:
      return true;
  }
}

/** RESERVE, UNRESERVE, CREATE and DESTROY: the conversion, after their checks and clean-up. */
export function speculativeConversion(info: Offer_Operation, env: OperationEnv): Conversion {
  if (info.type === Offer_Operation_Type.CREATE) {
    for (const volume of info.create?.volumes ?? []) {
      if (volume.disk?.source?.type !== Disk.MOUNT || !volume.disk.source.id) {
        throw new Error(
          `Cannot create persistent volume '${volume.disk?.persistence?.id}' on a ${Disk[volume.disk?.source?.type ?? Disk.UNKNOWN]} disk`,
        );
      }
    }
  }
  if (info.type === Offer_Operation_Type.DESTROY) {
    // The volume's data goes (the published target stays for the next user of the disk).
    for (const volume of info.destroy?.volumes ?? []) clearTarget(env.targetPath(volume.disk!.source!.id));
  }
  return operationConversion(info);
}

/**
 * Empties a published volume's target. The volume may be unpublished meanwhile (the last task that
 * used it just ended; the plugin removes the target): a target that is gone, or goes while it is
 * read, has nothing left to clear. A check before reading raced with that removal, and the DESTROY
 * failed (then the DESTROY_DISK after it was dropped: the failure changed the resource version).
 */
export function clearTarget(target: string): void {
  let entries: string[];
  try {
    entries = readdirSync(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return;
    throw e;
  }
  for (const entry of entries) rmSync(join(target, entry), { recursive: true, force: true });
}

/** CREATE_DISK: the RAW source becomes a MOUNT or BLOCK disk backed by a CSI volume. */
export async function createDisk(info: Offer_Operation, operationUuid: string, env: OperationEnv): Promise<Conversion> {
  const { source, targetType } = info.createDisk!;
  const disk = source!.disk!.source!;
  const profile = disk.profile || info.createDisk!.targetProfile;
  const profileInfo = env.profiles.get(profile);
  if (!profileInfo) throw new Error(`Profile '${profile}' not found`);
  const access = profileInfo.capability.accessType.case;
  if (targetType === Disk.MOUNT && access !== "mount") throw new Error(`Profile '${profile}' cannot be used to create a MOUNT disk`);
  if (targetType === Disk.BLOCK && access !== "block") throw new Error(`Profile '${profile}' cannot be used to create a BLOCK disk`);

  let volume: { id: string; context: Record<string, string> };
  if (disk.profile) {
    const created = await env.volumes.createVolume(
      operationUuid,
      Math.round((source!.scalar?.value ?? 0) * MB),
      profileInfo.capability,
      profileInfo.parameters,
    );
    volume = { id: created.id, context: created.context };
  } else {
    volume = { id: disk.id, context: mapOf(disk.metadata) };
    const why = await env.volumes.validateVolume(
      { id: disk.id, capacityBytes: Math.round((source!.scalar?.value ?? 0) * MB), context: volume.context },
      profileInfo.capability,
      profileInfo.parameters,
    );
    if (why) throw new Error(`Cannot apply profile '${profile}' to resource '${disk.id}': ${why}`);
  }
  const converted = clone(ResourceSchema, source!);
  const to = converted.disk!.source!;
  to.id = volume.id;
  to.type = targetType;
  to.profile = profile;
  to.metadata = labelsOf(volume.context) ?? to.metadata;
  if (targetType === Disk.MOUNT) to.mount = create(Resource_DiskInfo_Source_MountSchema, { root: env.mountRoot });
  return { consumed: Resources.of([source!]), converted: Resources.of([converted]) };
}

/**
 * DESTROY_DISK: the volume is unpublished and deleted. A deleted volume of a known profile goes back
 * to its pool (RAW, no id); of an unknown profile it is dropped (`freed` asks for the pools to be
 * reconciled); one the plugin cannot delete stays as a RAW disk with its id and no profile.
 */
export async function destroyDisk(info: Offer_Operation, env: OperationEnv): Promise<Conversion & { freed: boolean }> {
  const source = info.destroyDisk!.source!;
  if (isPersistentVolume(source)) throw new Error("A disk with a persistent volume cannot be destroyed");
  const task = env.usedBy(source.disk!.source!.id);
  if (task) throw new Error(`Volume '${source.disk!.source!.id}' is in use by task ${task}`);
  let deleted: boolean;
  try {
    deleted = await env.volumes.deleteVolume(source.disk!.source!.id);
  } catch (e) {
    throw new Error(`Failed to delete volume '${source.disk!.source!.id}': ${errorMessage(e)}`);
  }
  const converted = clone(ResourceSchema, source);
  const to = converted.disk!.source!;
  to.type = Disk.RAW;
  to.mount = undefined;
  if (deleted) {
    // Unset (not empty) fields: the disk must look like its pool to merge back into it.
    clearField(to, Resource_DiskInfo_SourceSchema.field.id);
    to.metadata = undefined;
    if (!to.profile || !env.profiles.has(to.profile)) return { consumed: Resources.of([source]), converted: Resources.EMPTY, freed: true };
  } else {
    clearField(to, Resource_DiskInfo_SourceSchema.field.profile);
  }
  return { consumed: Resources.of([source]), converted: Resources.of([converted]), freed: false };
}
