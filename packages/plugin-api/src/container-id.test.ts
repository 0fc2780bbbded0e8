import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { ContainerIDSchema } from "@mesos/proto";
import {
  containerIdString,
  containerIdValueError,
  isNestedKey,
  nestedKey,
  ownValue,
  parentKey,
  parseContainerId,
  rootContainerId,
  rootKey,
} from "./container-id.ts";

test("a ContainerID chain and its key go both ways", () => {
  const id = create(ContainerIDSchema, { value: "c", parent: { value: "b", parent: { value: "a" } } });
  expect(containerIdString(id)).toBe("a.b.c");
  expect(parseContainerId("a.b.c")).toEqual(id);
  expect(rootContainerId(id).value).toBe("a");
});

test("keys split at their separator: root, parent, own value", () => {
  expect([rootKey("a.b.c"), parentKey("a.b.c"), ownValue("a.b.c"), isNestedKey("a.b.c")]).toEqual(["a", "a.b", "c", true]);
  expect([rootKey("a"), parentKey("a"), ownValue("a"), isNestedKey("a")]).toEqual(["a", undefined, "a", false]);
  expect(nestedKey("a.b", "c")).toBe("a.b.c");
});

test("Mesos's rules for a ContainerID value", () => {
  expect(containerIdValueError("3f2a-ok_1")).toBeUndefined();
  expect(containerIdValueError("")).toBe("'ContainerID.value' must not be empty");
  expect(containerIdValueError("a.b")).toContain("contains invalid characters");
  expect(containerIdValueError("a/b")).toContain("contains invalid characters");
  expect(containerIdValueError("x".repeat(243))).toBe("'ContainerID.value' must be at most 242 characters");
});
