/**
 * The agent's view of the host's cgroups, shared by the cgroups isolators: which hierarchy each
 * controller is in (hierarchies.ts), and where a container's cgroup is: `<mount>/<root>/<id>`
 * (`--cgroups_root`, default `mesos`, as in Mesos). Nested containers live in their root
 * container's cgroups.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ContainerID, Resource } from "@mesos/proto";
import { type ContainerState, rootContainerId } from "@mesos/plugin-api";
import { type Cgroup, cgroupAt } from "./cgroup.ts";
import { type CgroupMounts, type CgroupsVersion, type ControllerMount, findCgroupMounts, resolveController } from "./hierarchies.ts";

export interface CgroupsHostOptions {
  hierarchy: string;
  root: string;
  version: CgroupsVersion;
  /** For tests: mounts found elsewhere. */
  mounts?: CgroupMounts;
}

export function createCgroupsHost(options: CgroupsHostOptions) {
  const mounts = options.mounts ?? findCgroupMounts(options.hierarchy);
  const resolved = new Map<string, ControllerMount>();
  const root = options.root.replace(/^\/+|\/+$/g, "");

  return {
    root,
    /** Where `controller` is; throws a message naming the hierarchy otherwise (the agent stops). */
    controller(name: string): ControllerMount {
      let m = resolved.get(name);
      if (!m) resolved.set(name, (m = resolveController(name, mounts, options.version)));
      return m;
    },
    /** The container's cgroup in `controller`'s hierarchy (nested containers: their root's). */
    cgroup(controller: string, containerId: ContainerID): Cgroup {
      const m = this.controller(controller);
      return cgroupAt(m.version, m.mount, join(m.mount, root, rootContainerId(containerId).value));
    },
    /** Container ids that have a cgroup under the root in `controller`'s hierarchy. */
    known(controller: string): string[] {
      const m = this.controller(controller);
      try {
        return readdirSync(join(m.mount, root)).filter((name) => statSync(join(m.mount, root, name)).isDirectory());
      } catch {
        return [];
      }
    },
    cgroupNamed(controller: string, name: string): Cgroup {
      const m = this.controller(controller);
      return cgroupAt(m.version, m.mount, join(m.mount, root, name));
    },
  };
}

export type CgroupsHost = ReturnType<typeof createCgroupsHost>;

/** Resources of a container as numbers. */
export function scalar(resources: readonly { name: string; scalar?: { value: number } }[], name: string): number | undefined {
  let total: number | undefined;
  for (const r of resources) if (r.name === name && r.scalar) total = (total ?? 0) + r.scalar.value;
  return total;
}

/**
 * Recovery common to the cgroups isolators: visits each root container's checkpointed resources
 * (nested containers live in their parent's cgroups), then destroys the cgroups under the agent's
 * root that belong to no known container and no orphan (what a crashed agent left behind).
 */
export async function recoverCgroups(
  host: CgroupsHost,
  controllers: readonly string[],
  states: readonly ContainerState[],
  orphans: readonly ContainerID[],
  visit: (containerId: string, resources: readonly Resource[]) => void,
): Promise<void> {
  const known = new Set<string>();
  for (const s of states) {
    if (s.containerId!.parent) continue;
    known.add(s.containerId!.value);
    visit(s.containerId!.value, s.config?.resources ?? []);
  }
  const names = new Set(controllers.flatMap((c) => host.known(c)));
  for (const name of names) {
    if (known.has(name) || orphans.some((o) => o.value === name)) continue;
    for (const controller of controllers) await host.cgroupNamed(controller, name).destroy();
  }
}
