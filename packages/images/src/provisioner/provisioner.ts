/**
 * The provisioner: a container's root filesystem from an image. Layout as Mesos's, under the
 * agent's `<work_dir>/provisioner`:
 *   containers/<id>/image.json                                  what was provisioned (for recovery and GC)
 *   containers/<id>/backends/<backend>/rootfses/<rootfs id>     the rootfs (an overlay mount point, or a copy)
 *   containers/<id>/backends/<backend>/scratch/<rootfs id>/     upperdir and workdir
 * `image.json` is written before the rootfs is built, so a crash at any point leaves enough to
 * clean up: recovery destroys every container the agent no longer knows.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { invalid, type Logger } from "@mesos/core";
import type { ImageConfig } from "../image-config.ts";
import type { StoredImage } from "../store/image-records.ts";
import type { ImageStore, PullOptions } from "../store/image-store.ts";
import type { BackendName, ProvisionerBackend } from "./backend.ts";

export interface ProvisionedRootfs {
  rootfs: string;
  image: StoredImage;
  config: ImageConfig;
}

interface ContainerImageFile {
  image: string;
  layers: string[];
  backend: BackendName;
  rootfsId: string;
}

export interface Provisioner {
  readonly backend: ProvisionerBackend;
  provision(containerId: string, imageName: string, options?: PullOptions): Promise<ProvisionedRootfs>;
  /** Unmounts and removes a container's rootfs and scratch directories. */
  destroy(containerId: string): Promise<void>;
  /** Destroys the provisioned containers not in `known`; returns the ids kept. */
  recover(known: Iterable<string>): Promise<string[]>;
  /** The rootfs of a provisioned container, if any. */
  rootfsOf(containerId: string): string | undefined;
  /** Layers and images used by provisioned containers (never garbage). */
  activeLayers(): Set<string>;
  activeImages(): Set<string>;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function createProvisioner(deps: {
  dir: string;
  store: ImageStore;
  backend: ProvisionerBackend;
  /** Backends that may have built rootfses found at recovery (defaults to `backend` alone). */
  backends?: ProvisionerBackend[];
  log: Logger;
}): Provisioner {
  const containersDir = join(deps.dir, "containers");
  mkdirSync(containersDir, { recursive: true });
  const backends = new Map((deps.backends ?? [deps.backend]).map((b) => [b.name, b]));
  backends.set(deps.backend.name, deps.backend);
  const provisioned = new Map<string, ContainerImageFile>();
  if (deps.store.layers.whiteouts !== deps.backend.whiteouts) {
    throw invalid(
      `The image store keeps whiteouts as ${deps.store.layers.whiteouts}, the ${deps.backend.name} backend needs ${deps.backend.whiteouts}`,
    );
  }

  const containerDir = (id: string) => {
    if (!SAFE_ID.test(id)) throw invalid(`Invalid container id '${id}' for the provisioner`);
    return join(containersDir, id);
  };
  const paths = (id: string, backend: string, rootfsId: string) => {
    const base = join(containerDir(id), "backends", backend);
    return { rootfs: join(base, "rootfses", rootfsId), scratch: join(base, "scratch", rootfsId) };
  };
  const readInfo = (id: string): ContainerImageFile | undefined => {
    try {
      return JSON.parse(readFileSync(join(containerDir(id), "image.json"), "utf8")) as ContainerImageFile;
    } catch {
      return undefined;
    }
  };

  async function destroy(id: string): Promise<void> {
    const dir = containerDir(id);
    provisioned.delete(id);
    if (!existsSync(dir)) return;
    const backendsDir = join(dir, "backends");
    for (const name of existsSync(backendsDir) ? readdirSync(backendsDir) : []) {
      const backend = backends.get(name as BackendName);
      const rootfses = join(backendsDir, name, "rootfses");
      for (const rootfsId of existsSync(rootfses) ? readdirSync(rootfses) : []) {
        const p = paths(id, name, rootfsId);
        if (backend) await backend.destroy(p.rootfs, p.scratch);
        else deps.log.warn(`Unknown provisioner backend '${name}' for container ${id}: leaving '${p.rootfs}'`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
    deps.log.info(`Destroyed the provisioned rootfs of container ${id}`);
  }

  return {
    backend: deps.backend,

    async provision(id, imageName, options) {
      if (provisioned.has(id)) throw invalid(`Container ${id} already has a provisioned rootfs`);
      const image = await deps.store.pull(imageName, options);
      const rootfsId = randomUUID();
      const info: ContainerImageFile = { image: image.name, layers: image.layers, backend: deps.backend.name, rootfsId };
      const dir = containerDir(id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "image.json.tmp"), JSON.stringify(info));
      renameSync(join(dir, "image.json.tmp"), join(dir, "image.json"));
      provisioned.set(id, info);
      const { rootfs, scratch } = paths(id, deps.backend.name, rootfsId);
      try {
        await deps.backend.provision(deps.store.layerPaths(image), rootfs, scratch);
      } catch (e) {
        await destroy(id).catch(() => {});
        throw e;
      }
      return { rootfs, image, config: image.config };
    },

    destroy,

    async recover(known) {
      const keep = new Set(known);
      const kept: string[] = [];
      for (const id of readdirSync(containersDir)) {
        if (!SAFE_ID.test(id)) continue;
        const info = keep.has(id) ? readInfo(id) : undefined;
        if (info) {
          provisioned.set(id, info);
          kept.push(id);
        } else {
          await destroy(id);
        }
      }
      return kept;
    },

    rootfsOf(id) {
      const info = provisioned.get(id);
      return info ? paths(id, info.backend, info.rootfsId).rootfs : undefined;
    },

    activeLayers: () => new Set([...provisioned.values()].flatMap((i) => i.layers)),
    activeImages: () => new Set([...provisioned.values()].map((i) => i.image)),
  };
}
