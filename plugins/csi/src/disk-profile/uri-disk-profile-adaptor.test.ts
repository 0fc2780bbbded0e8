import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock, silentLogger } from "@mesos/core";
import { VolumeCapability_AccessMode_Mode } from "@mesos/proto/csi";
import { parseDiskProfileMapping } from "./disk-profile-mapping.ts";
import { createUriDiskProfileAdaptor, type DiskProfileAdaptor, validateProfileUri } from "./uri-disk-profile-adaptor.ts";

const RP = { type: "org.apache.mesos.rp.local.storage", name: "lvm", pluginType: "org.apache.mesos.csi.hostpath" };

const profile = (extra: object = {}) => ({
  csi_plugin_type_selector: { plugin_type: "org.apache.mesos.csi.hostpath" },
  volume_capabilities: { mount: { fs_type: "xfs" }, access_mode: { mode: "SINGLE_NODE_WRITER" } },
  ...extra,
});
const mapping = (profiles: Record<string, object>) => JSON.stringify({ profile_matrix: profiles });

/** Lets the adaptor's file read (real I/O) finish after the clock moved. */
const settle = () => Bun.sleep(20);

const adaptors: DiskProfileAdaptor[] = [];
afterEach(() => {
  for (const a of adaptors.splice(0)) a.stop();
});

function fileAdaptor(text: string, pollIntervalMs?: number) {
  const file = join(mkdtempSync(join(process.env.MESOS_TEST_TMP!, "profiles-")), "profiles.json");
  writeFileSync(file, text);
  const clock = new ManualClock();
  const adaptor = createUriDiskProfileAdaptor({ uri: file, pollIntervalMs, clock, log: silentLogger });
  adaptors.push(adaptor);
  return { adaptor, clock, write: (t: string) => writeFileSync(file, t) };
}

describe("the profile mapping", () => {
  test("is read as protobuf JSON with unknown fields ignored, in snake or camel case", () => {
    const camel = { csiPluginTypeSelector: { pluginType: "p" }, volumeCapabilities: { block: {}, accessMode: { mode: "SINGLE_NODE_READER_ONLY" } } };
    const parsed = parseDiskProfileMapping(JSON.stringify({ profile_matrix: { a: profile({ ignored: 1 }), b: camel }, extra: true }));
    expect(parsed.profileMatrix.a!.volumeCapabilities?.accessType.case).toBe("mount");
    expect(parsed.profileMatrix.b!.volumeCapabilities?.accessType.case).toBe("block");
    expect(parsed.profileMatrix.b!.volumeCapabilities?.accessMode?.mode).toBe(VolumeCapability_AccessMode_Mode.SINGLE_NODE_READER_ONLY);
  });

  test("rejects what Mesos rejects, naming the profile", () => {
    expect(() => parseDiskProfileMapping("{")).toThrow("Failed to parse DiskProfileMapping message");
    expect(() => parseDiskProfileMapping(mapping({ a: { volume_capabilities: profile().volume_capabilities } }))).toThrow(
      "Fetched profile mapping failed validation with: Profile 'a' has no valid selector: Expecting a selector to be present",
    );
    expect(() =>
      parseDiskProfileMapping(mapping({ a: { csi_plugin_type_selector: {}, volume_capabilities: profile().volume_capabilities } })),
    ).toThrow("'plugin_type' is a required field for CSIPluginTypeSelector");
    expect(() =>
      parseDiskProfileMapping(
        mapping({ a: { resource_provider_selector: { resource_providers: [{ type: "t" }] }, volume_capabilities: profile().volume_capabilities } }),
      ),
    ).toThrow("'name' is a required field for ResourceProviderSelector");
    expect(() => parseDiskProfileMapping(mapping({ a: { csi_plugin_type_selector: { plugin_type: "x" } } }))).toThrow(
      "Profile 'a' is missing the required field 'volume_capabilities'",
    );
    expect(() => parseDiskProfileMapping(mapping({ a: profile({ volume_capabilities: { mount: {} } }) }))).toThrow(
      "'access_mode' is a required field",
    );
    expect(() =>
      parseDiskProfileMapping(
        mapping({ a: profile({ volume_capabilities: { mount: { mount_flags: ["x".repeat(4097)] }, access_mode: { mode: "SINGLE_NODE_WRITER" } } }) }),
      ),
    ).toThrow("Size of 'mount_flags' may not exceed 4 KB");
  });

  test("the uri must be http(s) or an absolute file path", () => {
    expect(validateProfileUri("http://example.com/p.json")).toBe("http://example.com/p.json");
    expect(validateProfileUri("file:///etc/p.json")).toBe("/etc/p.json");
    expect(() => validateProfileUri("relative/p.json")).toThrow("--uri to a file must be an absolute path");
    expect(() => validateProfileUri("ftp://x/p.json")).toThrow("--uri must use a supported scheme (file or http(s))");
  });
});

describe("the URI disk profile adaptor", () => {
  test("translates a profile into the neutral capability and create parameters", async () => {
    const { adaptor } = fileAdaptor(mapping({ fast: profile({ create_parameters: { type: "ssd" } }) }));
    expect(await adaptor.watch(new Set(), RP)).toEqual(new Set(["fast"]));
    const info = await adaptor.translate("fast", RP);
    expect(info.parameters).toEqual({ type: "ssd" });
    expect(info.capability.accessType).toMatchObject({ case: "mount", value: { fsType: "xfs" } });
    expect(info.capability.accessMode?.mode).toBe(VolumeCapability_AccessMode_Mode.SINGLE_NODE_WRITER);
    await expect(adaptor.translate("slow", RP)).rejects.toThrow("Profile 'slow' not found");
    await expect(adaptor.translate("fast", { ...RP, pluginType: "other" })).rejects.toThrow(
      "Profile 'fast' does not apply to resource provider with type 'org.apache.mesos.rp.local.storage' and name 'lvm'",
    );
  });

  test("selects by resource provider type and name", async () => {
    const { adaptor } = fileAdaptor(
      mapping({
        mine: profile({ csi_plugin_type_selector: undefined, resource_provider_selector: { resource_providers: [{ type: RP.type, name: "lvm" }] } }),
        theirs: profile({
          csi_plugin_type_selector: undefined,
          resource_provider_selector: { resource_providers: [{ type: RP.type, name: "other" }] },
        }),
      }),
    );
    expect(await adaptor.watch(new Set(), RP)).toEqual(new Set(["mine"]));
  });

  test("polls: a profile added later reaches watchers; one that disappears goes inactive", async () => {
    const { adaptor, clock, write } = fileAdaptor(mapping({ a: profile() }), 1000);
    const first = await adaptor.watch(new Set(), RP);
    expect(first).toEqual(new Set(["a"]));
    const next = adaptor.watch(first, RP);
    write(mapping({ a: profile(), b: profile() }));
    clock.advance(1000);
    await settle();
    expect(await next).toEqual(new Set(["a", "b"]));

    write(mapping({ b: profile() }));
    clock.advance(1000);
    await settle();
    expect(await adaptor.watch(new Set(["a", "b"]), RP)).toEqual(new Set(["b"]));
    await expect(adaptor.translate("a", RP)).rejects.toThrow("Profile 'a' not found");
  });

  test("profiles are immutable: a mapping that changes a known one is ignored entirely", async () => {
    const { adaptor, clock, write } = fileAdaptor(mapping({ a: profile() }), 1000);
    await adaptor.watch(new Set(), RP);
    write(mapping({ a: profile({ create_parameters: { changed: "yes" } }), b: profile() }));
    clock.advance(1000);
    await settle();
    expect((await adaptor.translate("a", RP)).parameters).toEqual({});
    await expect(adaptor.translate("b", RP)).rejects.toThrow("Profile 'b' not found");
  });

  test("fetches an http URL; a bad answer keeps the profiles it had", async () => {
    let body = mapping({ a: profile() });
    let status = 200;
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(body, { status }) });
    try {
      const clock = new ManualClock();
      const adaptor = createUriDiskProfileAdaptor({ uri: `http://127.0.0.1:${server.port}/profiles`, pollIntervalMs: 500, clock, log: silentLogger });
      adaptors.push(adaptor);
      expect(await adaptor.watch(new Set(), RP)).toEqual(new Set(["a"]));
      status = 500;
      body = mapping({});
      clock.advance(500);
      await settle();
      expect((await adaptor.translate("a", RP)).parameters).toEqual({});
    } finally {
      server.stop(true);
    }
  });
});
