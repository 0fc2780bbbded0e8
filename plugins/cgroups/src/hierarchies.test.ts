import { describe, expect, test } from "bun:test";
import { findCgroupMounts, resolveController } from "./hierarchies.ts";

// The mountinfo of this kind of host: v1 controllers, plus a v2 hierarchy with what v1 left over.
const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
60 23 0:50 / /proc rw - proc proc rw`;
const PURE_V2 = `30 23 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate`;
const COMBINED_V1 = `32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory`;

const controllersOf = (m: string) => (m === "/sys/fs/cgroup/unified" ? ["hugetlb"] : ["cpuset", "cpu", "io", "memory", "pids"]);

describe("finding where each cgroup controller lives", () => {
  test("a hybrid host: cpu and memory in v1, the v2 hierarchy with what is left", () => {
    const mounts = findCgroupMounts("/sys/fs/cgroup", HYBRID, controllersOf);
    expect(resolveController("memory", mounts, "auto")).toEqual({ controller: "memory", version: 1, mount: "/sys/fs/cgroup/memory" });
    expect(resolveController("cpuacct", mounts, "auto").mount).toBe("/sys/fs/cgroup/cpuacct");
    expect(resolveController("hugetlb", mounts, "auto")).toEqual({ controller: "hugetlb", version: 2, mount: "/sys/fs/cgroup/unified" });
    expect(() => resolveController("memory", mounts, "v2")).toThrow(
      "The 'memory' cgroup controller is not available in cgroup v2: it is bound to the cgroup v1 hierarchy at /sys/fs/cgroup/memory",
    );
  });

  test("a pure v2 host", () => {
    const mounts = findCgroupMounts("/sys/fs/cgroup", PURE_V2, controllersOf);
    expect(resolveController("cpu", mounts, "auto")).toEqual({ controller: "cpu", version: 2, mount: "/sys/fs/cgroup" });
    expect(resolveController("memory", mounts, "v2").version).toBe(2);
    expect(() => resolveController("memory", mounts, "v1")).toThrow(
      "The 'memory' cgroup controller is not available in cgroup v1: it is in the cgroup v2 hierarchy at /sys/fs/cgroup",
    );
  });

  test("v1 with cpu and cpuacct mounted together", () => {
    const mounts = findCgroupMounts("/sys/fs/cgroup", COMBINED_V1, controllersOf);
    expect(resolveController("cpu", mounts, "auto").mount).toBe("/sys/fs/cgroup/cpu,cpuacct");
    expect(resolveController("cpuacct", mounts, "auto").mount).toBe("/sys/fs/cgroup/cpu,cpuacct");
  });

  test("nowhere at all", () => {
    const mounts = findCgroupMounts("/sys/fs/cgroup", HYBRID, controllersOf);
    expect(() => resolveController("pids", mounts, "auto")).toThrow(
      "The 'pids' cgroup controller is not available in any cgroup hierarchy: the cgroup v2 hierarchy at /sys/fs/cgroup/unified offers only [hugetlb] and no v1 hierarchy has it",
    );
  });
});
