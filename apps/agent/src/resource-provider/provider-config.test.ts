import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { diskProfileAdaptorConfig } from "./disk-profile-flag.ts";
import { loadConfigDir, parseProviderConfig, saveConfig, updateError } from "./provider-config.ts";

const valid = {
  type: "org.apache.mesos.rp.local.storage",
  name: "local",
  storage: {
    plugin: {
      type: "org.apache.mesos.csi.hostpath",
      name: "plugin",
      containers: [{ services: ["CONTROLLER_SERVICE", "NODE_SERVICE"], command: { value: "mesos csi-hostpath" } }],
    },
  },
};
const text = (o: unknown) => JSON.stringify(o);

describe("resource provider configs", () => {
  test("a valid config parses; bad ones say why, as Mesos does", () => {
    expect(parseProviderConfig(text(valid)).storage?.plugin?.containers).toHaveLength(1);
    expect(() => parseProviderConfig("{")).toThrow("Failed to parse the JSON config");
    expect(() => parseProviderConfig(text({ ...valid, storage: undefined }))).toThrow("'ResourceProviderInfo.storage' must be set");
    expect(() => parseProviderConfig(text({ ...valid, storage: {} }))).toThrow("'ResourceProviderInfo.storage.plugin' must be set");
    expect(() => parseProviderConfig(text({ ...valid, id: { value: "x" } }))).toThrow("'ResourceProviderInfo.id' must not be set");
    expect(() => parseProviderConfig(text({ ...valid, name: "a-b" }))).toThrow(
      "Resource provider name 'a-b' does not follow Java package naming convention",
    );
    expect(() => parseProviderConfig(text({ ...valid, type: "other" }))).toThrow("Unknown resource provider type 'other'");
    const noNode = structuredClone(valid);
    noNode.storage.plugin.containers[0]!.services = ["CONTROLLER_SERVICE"];
    expect(() => parseProviderConfig(text(noNode))).toThrow("NODE_SERVICE not found");
    expect(() => parseProviderConfig(text({ ...valid, storage: { plugin: { ...valid.storage.plugin, type: "bad type" } } }))).toThrow(
      "CSI plugin type 'bad type' and name 'plugin' does not follow Java package naming convention",
    );
  });

  test("the config dir: bad files are reported and skipped, duplicates too", () => {
    const dir = mkdtempSync(join(process.env.MESOS_TEST_TMP!, "rp-configs-"));
    writeFileSync(join(dir, "a.json"), text(valid));
    writeFileSync(join(dir, "b.json"), "not json");
    writeFileSync(join(dir, "c.json"), text(valid));
    mkdirSync(join(dir, ".staging"));
    const { configs, problems } = loadConfigDir(dir);
    expect(configs.map((c) => c.path)).toEqual([join(dir, "a.json")]);
    expect(problems).toEqual([
      `Failed to load resource provider config '${join(dir, "b.json")}': Failed to parse the JSON config: JSON Parse error: Unexpected identifier "not"`,
      `Failed to load resource provider config '${join(dir, "c.json")}': Multiple resource providers with type 'org.apache.mesos.rp.local.storage' and name 'local'`,
    ]);
    const saved = saveConfig(dir, parseProviderConfig(text({ ...valid, name: "other" })));
    expect(saved).toMatch(/org\.apache\.mesos\.rp\.local\.storage\.other\.[0-9a-f-]+\.json$/);
    expect(parseProviderConfig(readFileSync(saved, "utf8")).name).toBe("other");
    expect(readdirSync(join(dir, ".staging"))).toEqual([]);
  });

  test("an update may change only the plugin's containers", () => {
    const before = parseProviderConfig(text(valid));
    const containers = structuredClone(valid);
    containers.storage.plugin.containers[0]!.command.value = "mesos csi-hostpath --api_version=v0";
    expect(updateError(before, parseProviderConfig(text(containers)))).toBeUndefined();
    expect(updateError(before, parseProviderConfig(text({ ...valid, default_reservations: [{ type: "DYNAMIC", role: "r" }] })))).toBe(
      "Only 'storage.plugin.containers' of a resource provider config can be updated",
    );
  });
});

describe("--disk_profile_adaptor", () => {
  test("inline parameters, or Mesos's module name with --modules", () => {
    expect(diskProfileAdaptorConfig(undefined, undefined)).toBeUndefined();
    expect(diskProfileAdaptorConfig("uri=/etc/p.json,poll_interval=10secs", undefined)).toEqual({
      uri: "/etc/p.json",
      pollIntervalMs: 10_000,
      maxRandomWaitMs: undefined,
    });
    const modules = text({
      libraries: [
        {
          file: "/usr/lib/libmesos.so",
          modules: [{ name: "org_apache_mesos_UriDiskProfileAdaptor", parameters: [{ key: "uri", value: "http://x/p.json" }] }],
        },
      ],
    });
    expect(diskProfileAdaptorConfig("org_apache_mesos_UriDiskProfileAdaptor", modules)?.uri).toBe("http://x/p.json");
  });

  test("bad values name the flag and the problem", () => {
    expect(() => diskProfileAdaptorConfig("uri=relative.json", undefined)).toThrow(
      "Flag '--disk_profile_adaptor': --uri to a file must be an absolute path",
    );
    expect(() => diskProfileAdaptorConfig("poll_interval=1secs", undefined)).toThrow("the 'uri' parameter is required");
    expect(() => diskProfileAdaptorConfig("uri=/p.json,colour=red", undefined)).toThrow("unknown parameter 'colour'");
    expect(() => diskProfileAdaptorConfig("org_apache_mesos_UriDiskProfileAdaptor", undefined)).toThrow("needs its parameters in --modules");
    expect(() =>
      diskProfileAdaptorConfig("org_apache_mesos_UriDiskProfileAdaptor", text({ libraries: [{ file: "x.so", modules: [{ name: "org_other" }] }] })),
    ).toThrow("module 'org_other' (library 'x.so') is not available");
  });
});
