import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { Resources } from "@mesos/core";
import {
  AgentInfo_Capability_Type as Cap,
  AgentInfoSchema,
  type Offer_Operation,
  Offer_Operation_Type,
  Offer_OperationSchema,
  Resource_DiskInfo_PersistenceSchema,
  Resource_DiskInfo_Source_Type as Disk,
  ResourceProviderInfoSchema,
  ResourceSchema,
  type Task,
  TaskSchema,
  Value_Type,
} from "@mesos/proto";
import { Agent } from "../agents/agent.ts";
import { validateOperation } from "./validate-operation.ts";

function agent(capabilities = [Cap.RESOURCE_PROVIDER]) {
  return new Agent("a1", {
    info: create(AgentInfoSchema, { hostname: "h" }),
    endpoint: "http://127.0.0.1:5051",
    version: "1.8.0",
    capabilities,
    total: Resources.EMPTY,
    resourceProviders: new Map([
      ["rp1", { info: create(ResourceProviderInfoSchema, { id: { value: "rp1" }, type: "t", name: "n" }), resourceVersion: new Uint8Array(16) }],
    ]),
    now: 0,
  });
}

const disk = (source: { type: Disk; id?: string; profile?: string }, providerId: string | null = "rp1") =>
  create(ResourceSchema, {
    name: "disk",
    type: Value_Type.SCALAR,
    scalar: { value: 100 },
    providerId: providerId ? { value: providerId } : undefined,
    disk: { source },
  });

const createDisk = (source: ReturnType<typeof disk>, targetType = Disk.MOUNT, targetProfile?: string): Offer_Operation =>
  create(Offer_OperationSchema, { type: Offer_Operation_Type.CREATE_DISK, createDisk: { source, targetType, targetProfile } });

const destroyDisk = (source: ReturnType<typeof disk>): Offer_Operation =>
  create(Offer_OperationSchema, { type: Offer_Operation_Type.DESTROY_DISK, destroyDisk: { source } });

const check = (op: Offer_Operation, tasks: Task[] = [], a = agent()) =>
  validateOperation(op, { agent: a, agentTotal: Resources.EMPTY, agentTasks: tasks });

describe("CREATE_DISK and DESTROY_DISK validation (Mesos's messages)", () => {
  test("CREATE_DISK needs a RAW disk of a resource provider, a MOUNT or BLOCK target and the profile rule", () => {
    expect(check(createDisk(disk({ type: Disk.RAW, profile: "fast" })))).toBeUndefined();
    expect(check(createDisk(disk({ type: Disk.RAW, id: "v1" }), Disk.BLOCK, "fast"))).toBeUndefined();
    expect(check(createDisk(disk({ type: Disk.RAW, profile: "fast" }, null)))).toBe("'source' is not managed by a resource provider");
    expect(check(createDisk(disk({ type: Disk.MOUNT, id: "v1", profile: "fast" })))).toBe("'source' is not a RAW disk resource");
    expect(check(createDisk(disk({ type: Disk.RAW, profile: "fast" }), Disk.RAW))).toBe("'target_type' is neither MOUNT or BLOCK");
    expect(check(createDisk(disk({ type: Disk.RAW, profile: "fast" }), Disk.MOUNT, "slow"))).toBe(
      "'target_profile' must not be set when 'source' has a profile",
    );
    expect(check(createDisk(disk({ type: Disk.RAW, id: "v1" })))).toBe("'target_profile' must be set when 'source' has no profile");
    expect(check(createDisk(disk({ type: Disk.RAW, profile: "fast" }, "rp9")))).toBe("Resource provider rp9 is not on agent a1");
    expect(check(createDisk(disk({ type: Disk.RAW, profile: "fast" })), [], agent([]))).toContain("no RESOURCE_PROVIDER capability");
  });

  test("DESTROY_DISK needs a disk backed by a CSI volume, not a persistent volume, that no task uses", () => {
    expect(check(destroyDisk(disk({ type: Disk.MOUNT, id: "v1", profile: "fast" })))).toBeUndefined();
    expect(check(destroyDisk(disk({ type: Disk.RAW, id: "pre" })))).toBeUndefined();
    expect(check(destroyDisk(disk({ type: Disk.RAW, profile: "fast" })))).toBe("'source' is not backed by a CSI volume");
    expect(check(destroyDisk(disk({ type: Disk.PATH, id: "v1" })))).toBe("'source' is neither a MOUNT, BLOCK or RAW disk resource");
    const volume = disk({ type: Disk.MOUNT, id: "v1" });
    volume.disk!.persistence = create(Resource_DiskInfo_PersistenceSchema, { id: "pv" });
    expect(check(destroyDisk(volume))).toContain("cannot be destroyed directly");
    const task = create(TaskSchema, { taskId: { value: "t1" }, resources: [disk({ type: Disk.MOUNT, id: "v1" })] });
    expect(check(destroyDisk(disk({ type: Disk.MOUNT, id: "v1" })), [task])).toBe("Disk 'v1' is in use by task t1");
  });
});
