/**
 * Resources a framework names in an operation, brought into the offers' shape: our reservation
 * format, and AllocationInfo added for frameworks that are not MULTI_ROLE (they have one role, so
 * Mesos fills it in for them).
 */
import { clone, create } from "@bufbuild/protobuf";
import { Resources, upgradeResource } from "@mesos/core";
import { FrameworkInfo_Capability_Type, type Resource, Resource_AllocationInfoSchema, ResourceSchema } from "@mesos/proto";
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
