/**
 * The hostpath driver: the version-neutral core both the v0 and the v1 services call. It opens the
 * volume store, makes the pre-existing volumes of `--volumes`, and runs every call one at a time
 * (calls are short; one queue keeps the metadata files and mounts consistent without locks per volume).
 */
import { createController, makeData } from "./controller.ts";
import { createNode } from "./node.ts";
import { openVolumeStore, volumeIdFor } from "./volume-store.ts";

export interface DriverOptions {
  workDir: string;
  availableCapacity: number;
  /** Pre-existing MOUNT volumes to make at start-up (kept if they exist). */
  volumes: { name: string; capacity: number }[];
  createParameters: Record<string, string>;
  nodeId: string;
  pluginName: string;
  vendorVersion: string;
  controllerPublish: boolean;
  stageUnstage: boolean;
}

type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };

/** Runs each method of `target` after the previous call of any wrapped method has settled. */
function serialized<T extends Record<string, (...args: never[]) => unknown>>(target: T, queue: { tail: Promise<unknown> }): AsyncMethods<T> {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(target)) {
    wrapped[name] = (...args: never[]) => {
      const result = queue.tail.then(() => fn(...args));
      queue.tail = result.catch(() => undefined);
      return result;
    };
  }
  return wrapped as AsyncMethods<T>;
}

export function createDriver(options: DriverOptions) {
  const store = openVolumeStore(options.workDir, options.availableCapacity);
  for (const { name, capacity } of options.volumes) {
    if (store.byName(name)) continue;
    const record = {
      id: volumeIdFor(name),
      name,
      capacity,
      kind: "mount" as const,
      preexisting: true,
      parameters: {},
      attachedTo: [],
      publishedAt: [],
    };
    makeData(store.dataPath(record), "mount", capacity);
    store.save(record);
  }
  const queue = { tail: Promise.resolve() as Promise<unknown> };
  return {
    name: options.pluginName,
    vendorVersion: options.vendorVersion,
    controllerPublish: options.controllerPublish,
    stageUnstage: options.stageUnstage,
    nodeId: options.nodeId,
    /** Where a volume's data lives: given to the CO as the volume context's `path`. */
    dataPath: store.dataPath,
    controller: serialized(createController({ store, nodeId: options.nodeId, createParameters: options.createParameters }), queue),
    node: serialized(
      createNode({ store, nodeId: options.nodeId, stageUnstage: options.stageUnstage, controllerPublish: options.controllerPublish }),
      queue,
    ),
  };
}

export type Driver = ReturnType<typeof createDriver>;
