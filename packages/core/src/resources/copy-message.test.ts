import { describe, expect, test } from "bun:test";
import { clone, create, equals, isFieldSet, toBinary } from "@bufbuild/protobuf";
import { type Resource, Resource_DiskInfo_Source_Type, Resource_ReservationInfo_Type, ResourceSchema, Value_Type } from "@mesos/proto";
import { copyMessage } from "./copy-message.ts";
import { parseResources } from "./parse.ts";

/** Every kind of field a Resource has: nested messages, repeated messages, a oneof-free proto2 mix, bytes-free labels. */
function everything(): Resource {
  return create(ResourceSchema, {
    name: "disk",
    type: Value_Type.SCALAR,
    scalar: { value: 64 },
    role: "legacy",
    providerId: { value: "rp-1" },
    reservations: [
      { type: Resource_ReservationInfo_Type.DYNAMIC, role: "a", principal: "p", labels: { labels: [{ key: "k", value: "v" }] } },
      { type: Resource_ReservationInfo_Type.DYNAMIC, role: "a/b" },
    ],
    disk: {
      persistence: { id: "vol", principal: "p" },
      volume: { containerPath: "data", mode: 1 },
      source: { type: Resource_DiskInfo_Source_Type.MOUNT, mount: { root: "/mnt" }, id: "x", profile: "fast", metadata: { labels: [] } },
    },
    revocable: {},
    shared: {},
  });
}

const samples = (): Resource[] => [everything(), ...parseResources("cpus(r):2;mem:64;ports:[1-5,10-20];zones:{a,b};gpus(*):1").toArray()];

describe("copyMessage", () => {
  test("equals protobuf-es's clone: same fields, same set/unset state, same encoding", () => {
    for (const r of samples()) {
      const copy = copyMessage(r);
      expect(equals(ResourceSchema, copy, r)).toBe(true);
      expect(toBinary(ResourceSchema, copy)).toEqual(toBinary(ResourceSchema, clone(ResourceSchema, r)));
      for (const field of ResourceSchema.fields) expect(isFieldSet(copy, field)).toBe(isFieldSet(r, field));
      expect(copy.role).toBe(r.role); // proto2 defaults still read through
    }
  });

  test("shares nothing mutable with the original", () => {
    const r = everything();
    const copy = copyMessage(r);
    copy.scalar!.value = 1;
    copy.reservations[0]!.labels!.labels[0]!.value = "changed";
    copy.reservations.pop();
    copy.disk!.source!.mount!.root = "/elsewhere";
    expect(r.scalar!.value).toBe(64);
    expect(r.reservations.length).toBe(2);
    expect(r.reservations[0]!.labels!.labels[0]!.value).toBe("v");
    expect(r.disk!.source!.mount!.root).toBe("/mnt");
  });
});
