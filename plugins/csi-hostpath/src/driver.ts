/**
 * The hostpath driver: the version-neutral core both the v0 and the v1 services call. It opens the
 * volume store, makes the pre-existing volumes of `--volumes`, and runs every call one at a time
 * (calls are short; one queue keeps the metadata files and mounts consistent without locks per volume).
 */
import type { Logger } from "@mesos/core";
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
  /** Every call that changes something is logged here. */
  log: Logger;
  /** Testing: CreateVolume answers only after this long (a slow storage backend). */
  createDelayMs?: number;
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
  const controller = serialized(createController({ store, nodeId: options.nodeId, createParameters: options.createParameters }), queue);
  const node = serialized(
    createNode({ store, nodeId: options.nodeId, stageUnstage: options.stageUnstage, controllerPublish: options.controllerPublish }),
    queue,
  );
  const { log } = options;
  const logged =
    <A extends unknown[], R>(what: (...args: A) => string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const line = what(...args); // before the call: it may change what the line says
      try {
        const result = await call(...args);
        log.info(line);
        return result;
      } catch (e) {
        log.warn(`${line} failed: ${(e as Error).message}`);
        throw e;
      }
    };
  return {
    name: options.pluginName,
    vendorVersion: options.vendorVersion,
    controllerPublish: options.controllerPublish,
    stageUnstage: options.stageUnstage,
    nodeId: options.nodeId,
    /** Where a volume's data lives: given to the CO as the volume context's `path`. */
    dataPath: store.dataPath,
    controller: {
      ...controller,
      async createVolume(req: Parameters<typeof controller.createVolume>[0]) {
        if (options.createDelayMs) {
          // Said at once, so a test can crash its caller while the volume is being made.
          log.info(`CreateVolume '${req.name}' received; creating it in ${options.createDelayMs} ms`);
          await Bun.sleep(options.createDelayMs);
        }
        const existing = store.byName(req.name) ? ", existing" : "";
        return logged((r: typeof req) => `CreateVolume '${r.name}' (${r.requiredBytes} bytes${existing})`, controller.createVolume)(req);
      },
      deleteVolume: logged((id: string) => `DeleteVolume '${id}'`, controller.deleteVolume),
    },
    node: {
      ...node,
      publish: logged((req: Parameters<typeof node.publish>[0]) => `NodePublishVolume '${req.volumeId}' at '${req.targetPath}'`, node.publish),
      unpublish: logged(
        (req: Parameters<typeof node.unpublish>[0]) => `NodeUnpublishVolume '${req.volumeId}' from '${req.targetPath}'`,
        node.unpublish,
      ),
    },
  };
}

export type Driver = ReturnType<typeof createDriver>;
