/**
 * The `cgroups/cpu` and `cgroups/mem` isolators (Mesos's names), over cgroup v1 or v2 as the host
 * binds each controller, and the host's cgroups they share.
 *
 *   const host = createCgroupsHost({ hierarchy: "/sys/fs/cgroup", root: "mesos", version: "auto" });
 *   const isolators = [createCpuIsolator({ host, enableCfs: false }), createMemIsolator({ host, limitSwap: false })];
 */
export { type Cgroup, cgroupAt } from "./cgroup.ts";
export { type CgroupsHost, type CgroupsHostOptions, createCgroupsHost } from "./cgroups-host.ts";
export { type CpuIsolatorOptions, createCpuIsolator } from "./cpu-isolator.ts";
export { type CgroupMounts, type CgroupsVersion, type ControllerMount, findCgroupMounts, resolveController } from "./hierarchies.ts";
export { createMemIsolator, MIN_MEMORY_BYTES, type MemIsolatorOptions } from "./mem-isolator.ts";
