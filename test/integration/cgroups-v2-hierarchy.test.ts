/**
 * The cgroup v2 mechanics the cgroups isolators rely on, on this host's real v2 hierarchy: create
 * (delegating controllers down the tree), moving a process in, cpu.stat accounting, cgroup.kill,
 * removal. The cpu and memory controllers themselves may be bound to v1 here (see
 * apps/agent/src/containerizer/isolators/cgroups/cgroups-v2.test.ts for those files).
 */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cgroupAt, findCgroupMounts } from "@mesos/plugin-cgroups";
import { testCgroupsRoot } from "../support/cluster.ts";

const v2 = findCgroupMounts().v2[0];
const skip = process.getuid?.() !== 0 ? "it needs root" : !v2 ? "this host has no cgroup v2 hierarchy" : undefined;
if (skip) console.warn(`SKIPPING the cgroup v2 hierarchy test: ${skip}`);

test.skipIf(skip !== undefined)("a v2 cgroup: create, attach, account, kill, remove", async () => {
  const root = testCgroupsRoot();
  const cg = cgroupAt(2, v2!.mount, join(v2!.mount, root, "c1"));
  cg.create(v2!.controllers.includes("pids") ? ["pids"] : []);
  expect(existsSync(cg.path)).toBe(true);
  const busy = Bun.spawn(["/bin/sh", "-c", "while :; do :; done"], { stdio: ["ignore", "ignore", "ignore"] });
  await cg.attach(busy.pid);
  expect(cg.pids()).toEqual([busy.pid]);
  expect(readFileSync(`/proc/${busy.pid}/cgroup`, "utf8")).toContain(`0::/${root}/c1`);
  await Bun.sleep(200);
  const usage = Number(/usage_usec (\d+)/.exec(cg.read("cpu.stat"))![1]);
  expect(usage).toBeGreaterThan(0);
  await cg.destroy();
  expect(await busy.exited).toBe(137);
  expect(busy.signalCode).toBe("SIGKILL");
  expect(existsSync(cg.path)).toBe(false);
});
