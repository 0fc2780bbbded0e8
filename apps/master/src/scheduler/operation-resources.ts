/**
 * Mesos's `injectAllocationInfo` (Master::accept): every resource an operation names that lacks an
 * AllocationInfo gets the offers' one, so frameworks may leave it out (pre-MULTI_ROLE schedulers
 * never see it; many MULTI_ROLE ones do not bother). This covers LAUNCH and LAUNCH_GROUP tasks and
 * their executors too. Resources are also brought into our (refinement) reservation format.
 */
import { create } from "@bufbuild/protobuf";
import { copyMessage, upgradeResource } from "@mesos/core";
import {
  type ExecutorInfo,
  type Offer_Operation,
  type Resource,
  type Resource_AllocationInfo,
  Resource_AllocationInfoSchema,
  type TaskInfo,
} from "@mesos/proto";

export function injectAllocationInfo(op: Offer_Operation, role: string): Offer_Operation {
  const info = create(Resource_AllocationInfoSchema, { role });
  // A deep copy (`clone()` walks the schema and was most of an ACCEPT's cost); its resources are ours to change.
  const out = copyMessage(op);
  const fix = (list: Resource[]) => list.map((r) => withAllocation(r, info));
  const one = (r: Resource | undefined) => (r ? withAllocation(r, info) : undefined);
  const executor = (e: ExecutorInfo | undefined) => {
    if (e) e.resources = fix(e.resources);
  };
  const task = (t: TaskInfo) => {
    t.resources = fix(t.resources);
    executor(t.executor);
  };
  if (out.launch) out.launch.taskInfos.forEach(task);
  if (out.launchGroup) {
    executor(out.launchGroup.executor);
    out.launchGroup.taskGroup?.tasks.forEach(task);
  }
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

/** `r` (a copy already) with the AllocationInfo if it has none, in the refinement format. */
function withAllocation(r: Resource, info: Resource_AllocationInfo): Resource {
  const out = upgradeResource(r);
  if (!out.allocationInfo) out.allocationInfo = info;
  return out;
}
