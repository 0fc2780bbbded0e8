/**
 * The hostpath plugin's volumes and their durable state. Each volume has a metadata file
 * `<work_dir>/meta/<id>.json` (written atomically, fsynced) and its data: a directory
 * `<work_dir>/data/<id>` (MOUNT) or a sparse file `<work_dir>/data/<id>.img` (BLOCK, attached to a
 * loop device when staged). The store also does the capacity accounting: created volumes use up
 * `--available_capacity`; pre-existing ones (`--volumes`) come on top of it, as in Mesos's test plugin.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

export type VolumeKind = "mount" | "block";

export interface VolumeRecord {
  id: string;
  name: string;
  capacity: number;
  kind: VolumeKind;
  /** Made at start-up from `--volumes`: not counted against the available capacity. */
  preexisting: boolean;
  parameters: Record<string, string>;
  /** Node ids ControllerPublishVolume attached the volume to. */
  attachedTo: string[];
  /** The staging path NodeStageVolume used, while staged. */
  stagedAt?: string;
  /** Target paths NodePublishVolume bound the volume to. */
  publishedAt: string[];
}

export interface VolumeStore {
  get(id: string): VolumeRecord | undefined;
  byName(name: string): VolumeRecord | undefined;
  all(): VolumeRecord[];
  /** Writes the record durably (before the caller answers the RPC). */
  save(record: VolumeRecord): void;
  remove(id: string): void;
  dataPath(record: Pick<VolumeRecord, "id" | "kind">): string;
  /** What is left of `--available_capacity` after the created volumes. */
  available(): number;
}

/** Volume ids are names made safe for file names (the same name always gives the same id). */
export function volumeIdFor(name: string): string {
  return encodeURIComponent(name).replace(/\./g, "%2E");
}

export function openVolumeStore(workDir: string, availableCapacity: number): VolumeStore {
  const metaDir = join(workDir, "meta");
  const dataDir = join(workDir, "data");
  mkdirSync(metaDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });

  const volumes = new Map<string, VolumeRecord>();
  for (const file of readdirSync(metaDir)) {
    if (!file.endsWith(".json")) continue; // leftovers of an interrupted write end in .tmp
    const record = JSON.parse(readFileSync(join(metaDir, file), "utf8")) as VolumeRecord;
    volumes.set(record.id, record);
  }
  const names = new Map([...volumes.values()].map((v) => [v.name, v.id]));
  let used = 0;
  for (const v of volumes.values()) if (!v.preexisting) used += v.capacity;

  return {
    get: (id) => volumes.get(id),
    byName: (name) => volumes.get(names.get(name) ?? ""),
    all: () => [...volumes.values()].sort((a, b) => a.id.localeCompare(b.id)),
    save(record) {
      const path = join(metaDir, `${record.id}.json`);
      const tmp = `${path}.tmp`;
      const fd = openSync(tmp, "w");
      try {
        writeSync(fd, JSON.stringify(record));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
      const before = volumes.get(record.id);
      if (!before && !record.preexisting) used += record.capacity;
      volumes.set(record.id, record);
      names.set(record.name, record.id);
    },
    remove(id) {
      const record = volumes.get(id);
      if (!record) return;
      rmSync(join(metaDir, `${id}.json`), { force: true });
      volumes.delete(id);
      names.delete(record.name);
      if (!record.preexisting) used -= record.capacity;
    },
    dataPath: (record) => join(dataDir, record.kind === "block" ? `${record.id}.img` : record.id),
    available: () => Math.max(0, availableCapacity - used),
  };
}

/** Removes a volume's data (a directory tree or an image file). */
export function removeData(path: string): void {
  if (existsSync(path)) rmSync(path, { recursive: true, force: true });
}
