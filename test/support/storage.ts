/**
 * Storage resource provider set-ups for tests: a provider config running the reference hostpath
 * plugin (from source, or as `mesos csi-hostpath` of a given binary), a profile mapping, and
 * helpers to find the provider's disks in offers and build CREATE_DISK / DESTROY_DISK / CREATE.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clone, create } from "@bufbuild/protobuf";
import {
  type Offer,
  Offer_Operation_Type,
  type Resource,
  Resource_DiskInfo_PersistenceSchema,
  Resource_DiskInfo_Source_Type as Disk,
  ResourceSchema,
  Value_ScalarSchema,
  Value_Type,
  Volume_Mode,
  VolumeSchema,
} from "@mesos/proto";
import { HOSTPATH_MAIN } from "./csi.ts";

export const STORAGE_ROLE = "storage";
export const PLUGIN_TYPE = "org.apache.mesos.csi.hostpath";

export interface ProviderConfigOptions {
  version: "v0" | "v1";
  /** Where the plugin keeps its volumes. */
  pluginWorkDir: string;
  capacity?: string;
  name?: string;
  /** The plugin's name (its type is the hostpath plugin's); one per provider. */
  pluginName?: string;
  /** The plugin's command (default: the plugin from source with this Bun). */
  command?: (args: string[]) => string;
  extraArgs?: string[];
}

const fromSource = (args: string[]) => [process.execPath, HOSTPATH_MAIN, ...args].map((a) => `'${a}'`).join(" ");

/** Writes a resource provider config into `dir` (made if needed); returns the file. */
export function writeProviderConfig(dir: string, o: ProviderConfigOptions): string {
  mkdirSync(dir, { recursive: true });
  const args = [`--api_version=${o.version}`, `--work_dir=${o.pluginWorkDir}`, `--available_capacity=${o.capacity ?? "1GB"}`, ...(o.extraArgs ?? [])];
  const config = {
    type: "org.apache.mesos.rp.local.storage",
    name: o.name ?? "test",
    default_reservations: [{ type: "DYNAMIC", role: STORAGE_ROLE }],
    storage: {
      plugin: {
        type: PLUGIN_TYPE,
        name: o.pluginName ?? "local",
        containers: [
          {
            services: ["CONTROLLER_SERVICE", "NODE_SERVICE"],
            command: { shell: true, value: (o.command ?? fromSource)(args) },
            resources: [
              { name: "cpus", type: "SCALAR", scalar: { value: 0.1 } },
              { name: "mem", type: "SCALAR", scalar: { value: 256 } },
            ],
          },
        ],
      },
    },
  };
  const file = join(dir, `${o.name ?? "test"}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** A profile mapping for the hostpath plugin: MOUNT profiles, and BLOCK ones if named. */
export function writeProfiles(file: string, names: string[], blockNames: string[] = []): void {
  const profile = (access: "mount" | "block") => ({
    csi_plugin_type_selector: { plugin_type: PLUGIN_TYPE },
    volume_capabilities: { [access]: {}, access_mode: { mode: "SINGLE_NODE_WRITER" } },
  });
  const matrix = [...names.map((n) => [n, profile("mount")]), ...blockNames.map((n) => [n, profile("block")])];
  writeFileSync(file, JSON.stringify({ profile_matrix: Object.fromEntries(matrix) }));
}

const diskOf = (r: Resource) => (r.name === "disk" && r.providerId ? r.disk?.source : undefined);

/** The provider's storage pool of a profile in the offers (a RAW disk with the profile and no id). */
export function findPool(offers: Offer[], profile: string): { offer: Offer; pool: Resource } | undefined {
  for (const offer of offers) {
    const pool = offer.resources.find((r) => diskOf(r)?.type === Disk.RAW && diskOf(r)?.profile === profile && !diskOf(r)?.id);
    if (pool) return { offer, pool };
  }
  return undefined;
}

/** A provider disk of a type (MOUNT, BLOCK, RAW with id) in the offers. */
export function findDisk(offers: Offer[], type: Disk, id?: string): { offer: Offer; disk: Resource } | undefined {
  for (const offer of offers) {
    const disk = offer.resources.find(
      (r) => diskOf(r)?.type === type && !!diskOf(r)?.id && (id === undefined || diskOf(r)?.id === id) && !r.disk?.persistence,
    );
    if (disk) return { offer, disk };
  }
  return undefined;
}

export function withScalar(r: Resource, value: number): Resource {
  const out = clone(ResourceSchema, r);
  out.scalar = create(Value_ScalarSchema, { value });
  return out;
}

export const createDisk = (id: string, source: Resource, targetType: Disk = Disk.MOUNT) => ({
  id: { value: id },
  type: Offer_Operation_Type.CREATE_DISK,
  createDisk: { source, targetType },
});

export const destroyDisk = (id: string, source: Resource) => ({
  id: { value: id },
  type: Offer_Operation_Type.DESTROY_DISK,
  destroyDisk: { source },
});

/** A persistent volume on a provider disk, visible in the sandbox at `containerPath`. */
export function persistentVolume(disk: Resource, id: string, containerPath: string): Resource {
  const out = clone(ResourceSchema, disk);
  out.disk!.persistence = create(Resource_DiskInfo_PersistenceSchema, { id });
  out.disk!.volume = create(VolumeSchema, { containerPath, mode: Volume_Mode.RW });
  return out;
}

export const scalar = (name: string, value: number, role: string) =>
  create(ResourceSchema, { name, type: Value_Type.SCALAR, scalar: { value }, allocationInfo: { role } });
