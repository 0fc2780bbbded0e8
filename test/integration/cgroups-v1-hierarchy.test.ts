/**
 * The cgroup v1 mechanics the cgroups isolators rely on, on this host's memory hierarchy: create
 * (again: no error), moving a process in, and removal, which kills what still runs in the cgroup
 * first and leaves an empty one at one rmdir; removing a missing cgroup is fine.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { cgroupAt, findCgroupMounts } from "@mesos/plugin-cgroups";
import { testCgroupsRoot } from "../support/cluster.ts";

const memory = findCgroupMounts().v1.get("memory");
const skip = process.getuid?.() !== 0 ? "it needs root" : !memory ? "this host has no cgroup v1 memory hierarchy" : undefined;
if (skip) console.warn(`SKIPPING the cgroup v1 hierarchy test: ${skip}`);

test.skipIf(skip !== undefined)("a v1 cgroup: create, attach, remove with a process still in it, remove an empty one", async () => {
  const root = join(memory!, testCgroupsRoot());
  mkdirSync(root);
  try {
    const cg = cgroupAt(1, memory!, join(root, "c1"));
    cg.create();
    cg.create();
    expect(existsSync(cg.path)).toBe(true);
    const sleeper = Bun.spawn(["sleep", "600"], { stdio: ["ignore", "ignore", "ignore"] });
    await cg.attach(sleeper.pid);
    expect(cg.pids()).toEqual([sleeper.pid]);
    await cg.destroy();
    expect(await sleeper.exited).toBe(137);
    expect(sleeper.signalCode).toBe("SIGKILL");
    expect(existsSync(cg.path)).toBe(false);
    await cg.destroy();

    const empty = cgroupAt(1, memory!, join(root, "c2"));
    empty.create();
    await empty.destroy();
    expect(existsSync(empty.path)).toBe(false);
  } finally {
    rmdirSync(root);
  }
});
