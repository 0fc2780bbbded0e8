/**
 * The disk resources of a storage resource provider (Mesos's createRawDiskResource and
 * reconcileResources): storage pools are RAW disks with a profile and no id (one per profile, sized
 * by GetCapacity), pre-existing volumes RAW disks with an id (from ListVolumes); CREATE_DISK turns
 * them into MOUNT or BLOCK disks. Every one carries the provider's id, its default reservations and
 * `vendor` = `<plugin type>.<plugin name>`.
 */
import { create } from "@bufbuild/protobuf";
import { type Conversion, Resources } from "@mesos/core";
import {
  type Labels,
  LabelsSchema,
  type Resource,
  Resource_DiskInfo_Source_Type,
  type ResourceProviderInfo,
  ResourceSchema,
  Value_Type,
} from "@mesos/proto";

export const MB = 1024 * 1024;

export function labelsOf(map: Record<string, string>): Labels | undefined {
  const entries = Object.entries(map);
  return entries.length === 0 ? undefined : create(LabelsSchema, { labels: entries.map(([key, value]) => ({ key, value })) });
}

export function mapOf(labels: Labels | undefined): Record<string, string> {
  return Object.fromEntries((labels?.labels ?? []).map((l) => [l.key, l.value ?? ""]));
}

export interface RawDiskOptions {
  profile?: string;
  id?: string;
  metadata?: Labels;
}

export function rawDisk(info: ResourceProviderInfo, vendor: string, capacityBytes: number, options: RawDiskOptions = {}): Resource {
  return create(ResourceSchema, {
    name: "disk",
    type: Value_Type.SCALAR,
    scalar: { value: capacityBytes / MB },
    providerId: info.id,
    reservations: info.defaultReservations,
    disk: {
      source: {
        type: Resource_DiskInfo_Source_Type.RAW,
        profile: options.profile,
        vendor,
        id: options.id,
        metadata: options.metadata,
      },
    },
  });
}

/**
 * What to change so the checkpointed resources agree with the discovered ones: resources the plugin
 * no longer has go only if nobody converted them (a MOUNT disk or a persistent volume stays, so data
 * is not lost over a plugin fault); newly discovered ones are added.
 */
export function reconcileResources(info: ResourceProviderInfo, vendor: string, checkpointed: Resources, discovered: Resources): Conversion {
  let toRemove = Resources.EMPTY;
  let toAdd = discovered;
  for (const r of checkpointed) {
    const source = r.disk?.source;
    const unconverted = rawDisk(info, vendor, (r.scalar?.value ?? 0) * MB, {
      profile: source?.profile || undefined,
      id: source?.id || undefined,
      metadata: source?.metadata,
    });
    if (toAdd.contains([unconverted])) toAdd = toAdd.minus([unconverted]);
    else if (checkpointed.contains([unconverted])) toRemove = toRemove.plus([unconverted]);
  }
  return { consumed: toRemove, converted: toAdd };
}
