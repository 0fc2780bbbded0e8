/**
 * Where each cgroup controller lives. A controller is bound to exactly one hierarchy: a cgroup v1
 * mount of its own (e.g. /sys/fs/cgroup/memory) or the unified cgroup v2 hierarchy, where it is
 * listed in cgroup.controllers. Hosts differ: pure v2 (/sys/fs/cgroup is cgroup2), v1 with a v2
 * mount on the side (/sys/fs/cgroup/unified, with whatever v1 left unbound), or pure v1.
 *
 * `--cgroups_version=auto` (the default) takes each controller from where the host put it; `v1`
 * or `v2` insist, and a controller that is not there stops the agent with a message saying where
 * it is instead. Mesos 1.8 knew only v1.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface ControllerMount {
  controller: string;
  version: 1 | 2;
  /** The hierarchy's mount point. */
  mount: string;
}

export interface CgroupMounts {
  /** controller -> mount point of its v1 hierarchy */
  v1: Map<string, string>;
  /** v2 mount points, with the controllers each offers at its root. */
  v2: { mount: string; controllers: string[] }[];
}

const V1_CONTROLLERS = new Set([
  "cpu",
  "cpuacct",
  "cpuset",
  "memory",
  "devices",
  "freezer",
  "blkio",
  "pids",
  "net_cls",
  "net_prio",
  "perf_event",
  "hugetlb",
  "rdma",
  "misc",
]);

/** Reads /proc/self/mountinfo (or the given text) for cgroup mounts under `hierarchy`. */
export function findCgroupMounts(hierarchy = "/sys/fs/cgroup", mountinfo?: string, readControllers = readV2Controllers): CgroupMounts {
  const text = mountinfo ?? readFileSync("/proc/self/mountinfo", "utf8");
  const mounts: CgroupMounts = { v1: new Map(), v2: [] };
  for (const line of text.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const mountPoint = left.split(" ")[4];
    const [fstype, , superOptions] = right.split(" ");
    if (!mountPoint || !(mountPoint === hierarchy || mountPoint.startsWith(`${hierarchy}/`))) continue;
    if (fstype === "cgroup") {
      for (const opt of (superOptions ?? "").split(",")) if (V1_CONTROLLERS.has(opt)) mounts.v1.set(opt, mountPoint);
    } else if (fstype === "cgroup2") {
      mounts.v2.push({ mount: mountPoint, controllers: readControllers(mountPoint) });
    }
  }
  return mounts;
}

function readV2Controllers(mount: string): string[] {
  const file = join(mount, "cgroup.controllers");
  return existsSync(file) ? readFileSync(file, "utf8").trim().split(/\s+/).filter(Boolean) : [];
}

export type CgroupsVersion = "auto" | "v1" | "v2";

export function resolveController(controller: string, mounts: CgroupMounts, version: CgroupsVersion): ControllerMount {
  const v1 = mounts.v1.get(controller);
  const v2 = mounts.v2.find((m) => m.controllers.includes(controller));
  if (version !== "v2" && v1) return { controller, version: 1, mount: v1 };
  if (version !== "v1" && v2) return { controller, version: 2, mount: v2.mount };
  const where = v1
    ? `it is bound to the cgroup v1 hierarchy at ${v1}`
    : v2
      ? `it is in the cgroup v2 hierarchy at ${v2.mount}`
      : mounts.v2.length > 0
        ? `the cgroup v2 hierarchy at ${mounts.v2.map((m) => m.mount).join(", ")} offers only [${mounts.v2.flatMap((m) => m.controllers).join(", ")}] and no v1 hierarchy has it`
        : "no cgroup hierarchy has it mounted";
  const wanted = version === "auto" ? "any cgroup hierarchy" : `cgroup ${version}`;
  throw new Error(`The '${controller}' cgroup controller is not available in ${wanted}: ${where}`);
}
