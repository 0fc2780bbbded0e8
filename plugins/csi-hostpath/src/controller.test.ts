import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { join } from "node:path";
import { Code, type ConnectError } from "@connectrpc/connect";
import type { Capability } from "./capability.ts";
import { createController } from "./controller.ts";
import { openVolumeStore } from "./volume-store.ts";

const MB = 1024 * 1024;
const mount: Capability = { accessType: { case: "mount", value: { fsType: "", mountFlags: [] } }, accessMode: { mode: 1 } };
const block: Capability = { accessType: { case: "block", value: {} }, accessMode: { mode: 1 } };

function open(workDir = mkdtempSync(join(process.env.MESOS_TEST_TMP!, "hostpath-")), options: { createParameters?: Record<string, string> } = {}) {
  const store = openVolumeStore(workDir, 100 * MB);
  return { workDir, store, controller: createController({ store, nodeId: "n1", createParameters: options.createParameters ?? {} }) };
}

const create = (c: ReturnType<typeof open>["controller"], name: string, bytes: number, capability = mount, parameters = {}) =>
  c.createVolume({ name, requiredBytes: bytes, limitBytes: bytes, capabilities: [capability], parameters });

function codeOf(fn: () => unknown): Code | undefined {
  try {
    fn();
  } catch (e) {
    return (e as ConnectError).code;
  }
  return undefined;
}

describe("the hostpath controller", () => {
  test("MOUNT volumes are directories, BLOCK volumes sparse files of their size, both taken from the capacity", () => {
    const { controller, store } = open();
    const dir = create(controller, "a", 10 * MB);
    const file = create(controller, "b", 20 * MB, block);
    expect(statSync(store.dataPath(dir)).isDirectory()).toBe(true);
    expect(statSync(store.dataPath(file)).size).toBe(20 * MB);
    expect(controller.getCapacity({ capabilities: [mount], parameters: {} })).toBe(70 * MB);
    controller.deleteVolume(file.id);
    expect(existsSync(store.dataPath(file))).toBe(false);
    expect(controller.getCapacity({ capabilities: [mount], parameters: {} })).toBe(90 * MB);
  });

  test("volumes and the accounting survive a restart of the plugin", () => {
    const first = open();
    create(first.controller, "kept", 30 * MB);
    const again = open(first.workDir);
    expect(again.controller.listVolumes({ maxEntries: 0, startingToken: "" }).entries.map((v) => v.name)).toEqual(["kept"]);
    expect(again.controller.getCapacity({ capabilities: [mount], parameters: {} })).toBe(70 * MB);
    expect(create(again.controller, "kept", 30 * MB).id).toBe("kept");
  });

  test("names are turned into safe ids", () => {
    const { controller, store } = open();
    expect(create(controller, "../escape", MB).id).toBe("%2E%2E%2Fescape");
    expect(store.dataPath({ id: "%2E%2E%2Fescape", kind: "mount" }).endsWith("/data/%2E%2E%2Fescape")).toBe(true);
  });

  test("errors carry the spec's codes", () => {
    const { controller } = open(undefined, { createParameters: { tier: "gold" } });
    expect(codeOf(() => create(controller, "x", MB))).toBe(Code.InvalidArgument); // parameters missing
    create(controller, "x", MB, mount, { tier: "gold" });
    expect(codeOf(() => create(controller, "x", 2 * MB, mount, { tier: "gold" }))).toBe(Code.AlreadyExists);
    expect(codeOf(() => create(controller, "x", MB, block, { tier: "gold" }))).toBe(Code.AlreadyExists);
    expect(codeOf(() => create(controller, "huge", 200 * MB, mount, { tier: "gold" }))).toBe(Code.OutOfRange);
    expect(codeOf(() => controller.validate({ volumeId: "none", capabilities: [mount] }))).toBe(Code.NotFound);
    expect(codeOf(() => controller.controllerPublish({ volumeId: "x", nodeId: "other", capability: mount }))).toBe(Code.NotFound);
    expect(controller.validate({ volumeId: "x", capabilities: [block] })).toBe("the volume is a MOUNT volume, not BLOCK");
    expect(controller.getCapacity({ capabilities: [mount], parameters: {} })).toBe(0); // not the required parameters
  });

  test("ListVolumes pages with max_entries and next_token", () => {
    const { controller } = open();
    for (const name of ["a", "b", "c"]) create(controller, name, MB);
    const first = controller.listVolumes({ maxEntries: 2, startingToken: "" });
    expect(first.entries.map((v) => v.id)).toEqual(["a", "b"]);
    const rest = controller.listVolumes({ maxEntries: 2, startingToken: first.nextToken });
    expect(rest).toMatchObject({ nextToken: "" });
    expect(rest.entries.map((v) => v.id)).toEqual(["c"]);
    expect(codeOf(() => controller.listVolumes({ maxEntries: 0, startingToken: "x" }))).toBe(Code.Aborted);
  });
});
