/**
 * Resources a framework names in an operation, brought into the offers' shape: our reservation
 * format, and AllocationInfo added for frameworks that are not MULTI_ROLE (they have one role, so
 * Mesos fills it in for them).
 */
import { clone, create } from "@bufbuild/protobuf";
import { Resources, upgradeResource } from "@mesos/core";
import {
  FrameworkInfo_Capability_Type,
  type Offer_Operation,
  Offer_OperationSchema,
  type Resource,
  Resource_AllocationInfoSchema,
  ResourceSchema,
} from "@mesos/proto";
import type { Framework } from "../frameworks/framework.ts";

export function operationResources(framework: Framework, resources: readonly Resource[]): Resources {
  const multiRole = framework.hasCapability(FrameworkInfo_Capability_Type.MULTI_ROLE);
  const role = framework.roles[0]!;
  return Resources.of(
    resources.map((r) => {
      const out = clone(ResourceSchema, upgradeResource(r));
      if (!multiRole && !out.allocationInfo) out.allocationInfo = create(Resource_AllocationInfoSchema, { role });
      return out;
    }),
  );
}

/** An offer operation with every resource list brought into the offers' shape (see above). */
export function normalizeOperation(framework: Framework, op: Offer_Operation): Offer_Operation {
  const out = clone(Offer_OperationSchema, op);
  const fix = (list: Resource[]) => operationResources(framework, list).toArray();
  const one = (r: Resource | undefined) => (r ? fix([r])[0] : undefined);
  if (out.reserve) out.reserve.resources = fix(out.reserve.resources);
  if (out.unreserve) out.unreserve.resources = fix(out.unreserve.resources);
  if (out.create) out.create.volumes = fix(out.create.volumes);
  if (out.destroy) out.destroy.volumes = fix(out.destroy.volumes);
  if (out.growVolume) {
    out.growVolume.volume = one(out.growVolume.volume);
    out.growVolume.addition = one(out.growVolume.addition);
  }
  if (out.shrinkVolume) out.shrinkVolume.volume = one(out.shrinkVolume.volume);
  if (out.createDisk) out.createDisk.source = one(out.createDisk.source);
  if (out.destroyDisk) out.destroyDisk.source = one(out.destroyDisk.source);
  return out;
}
