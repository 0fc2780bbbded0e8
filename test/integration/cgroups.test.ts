/**
 * The cgroups isolators on this host's real hierarchies: limits from the task's resources, usage
 * statistics, OOM as a limitation that fails the task with REASON_CONTAINER_LIMITATION_MEMORY, and
 * start-up errors for isolators that cannot work. Needs root and the cpu, cpuacct and memory
 * controllers (v1 or v2, whichever the host binds them to).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { agent, TaskState, TaskStatus_Reason, TaskStatus_Source } from "@mesos/proto";
import { findCgroupMounts, resolveController } from "@mesos/plugin-cgroups";
import { tempDir, testCgroupsRoot } from "../support/cluster.ts";
import { createInMemoryAgent } from "../support/in-memory-agent.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";
import type { TestFramework } from "../support/framework.ts";
import { agentApi } from "../support/agent-api.ts";

const mounts = findCgroupMounts();
const missing = ["cpu", "memory"].filter((c) => {
  try {
    resolveController(c, mounts, "auto");
    return false;
  } catch {
    return true;
  }
});
const skip = process.getuid?.() !== 0 ? "they need root" : missing.length > 0 ? `no ${missing.join(", ")} cgroup controller` : undefined;
if (skip) console.warn(`SKIPPING cgroups tests: ${skip}`);
const cgroupsTest = test.skipIf(skip !== undefined);

const cleanup = useCleanups();

async function cluster(flags: string[] = []) {
  const root = testCgroupsRoot();
  const { agent, fw } = await startTestCluster(cleanup, {
    agent: { flags: ["--isolation=cgroups/cpu,cgroups/mem", `--cgroups_root=${root}`, ...flags] },
  });
  return { agent, fw, root };
}

async function launch(fw: TestFramework, taskId: string, command: string, cpus: number, mem: number) {
  await fw.launch(taskId, command, { cpus, mem });
}

const cgroupDir = (controller: string, root: string, containerId: string) =>
  join(resolveController(controller, mounts, "auto").mount, root, containerId);

describe("cgroups/cpu and cgroups/mem", () => {
  cgroupsTest("limits follow the task's resources (plus the executor's allowance) and the task runs inside", async () => {
    const { fw, root } = await cluster(["--cgroups_enable_cfs"]);
    await launch(fw, "limited", "sleep 1000", 0.5, 64);
    const running = await fw.waitForStatus("limited", TaskState.TASK_RUNNING);
    const id = running.containerStatus!.containerId!.value;
    const cpu = cgroupDir("cpu", root, id);
    const mem = cgroupDir("memory", root, id);
    const v1 = resolveController("cpu", mounts, "auto").version === 1;
    if (v1) {
      expect(readFileSync(join(cpu, "cpu.shares"), "utf8").trim()).toBe(String(Math.floor(1024 * 0.6)));
      expect(readFileSync(join(cpu, "cpu.cfs_quota_us"), "utf8").trim()).toBe("60000");
      expect(readFileSync(join(mem, "memory.limit_in_bytes"), "utf8").trim()).toBe(String(96 * 1024 * 1024));
    } else {
      expect(readFileSync(join(cpu, "cpu.max"), "utf8").trim()).toBe("60000 100000");
      expect(readFileSync(join(mem, "memory.max"), "utf8").trim()).toBe(String(96 * 1024 * 1024));
    }
    const pids = readFileSync(join(mem, "cgroup.procs"), "utf8").trim().split("\n");
    expect(pids.length).toBeGreaterThanOrEqual(2); // the container's init and the task
  });

  cgroupsTest("GET_CONTAINERS reports usage from the cgroups", async () => {
    const { fw, agent: a } = await cluster();
    await launch(fw, "busy", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 1000", 1, 64);
    await fw.waitForStatus("busy", TaskState.TASK_RUNNING);
    await Bun.sleep(500);
    const r = await agentApi(a.url).call(create(agent.CallSchema, { type: agent.Call_Type.GET_CONTAINERS, getContainers: {} }));
    const c = r.getContainers!.containers.find((x) => x.executorId?.value === "busy")!;
    const stats = c.resourceStatistics!;
    expect(stats.cpusLimit).toBeCloseTo(1.1);
    expect(stats.memLimitBytes).toBe(BigInt(96 * 1024 * 1024));
    expect(stats.cpusUserTimeSecs + stats.cpusSystemTimeSecs).toBeGreaterThan(0);
    expect(stats.memTotalBytes).toBeGreaterThan(0n);
    expect(stats.processes).toBeGreaterThanOrEqual(2);
    expect(c.containerStatus!.executorPid).toBeGreaterThan(0);
  });

  cgroupsTest(
    "a memory hog is killed and its task fails with the memory limitation",
    async () => {
      const { fw, root } = await cluster();
      // tail keeps reading for a newline that never comes, holding everything in memory.
      await launch(fw, "hog", "exec tail /dev/zero", 0.1, 32);
      const failed = await fw.waitForStatus("hog", TaskState.TASK_FAILED, 30_000);
      expect(failed.reason).toBe(TaskStatus_Reason.CONTAINER_LIMITATION_MEMORY);
      expect(failed.message).toStartWith("Memory limit exceeded: Requested: 64MB Maximum Used: ");
      expect(failed.limitation?.resources[0]?.name).toBe("mem");
      expect(failed.source).toBe(TaskStatus_Source.AGENT);
      // The container's cgroups are gone afterwards.
      const id = failed.containerStatus!.containerId!.value;
      expect(existsSync(cgroupDir("memory", root, id))).toBe(false);
    },
    40_000,
  );
});

// Built in memory: failing to start needs no master and no listener.
describe("isolators that cannot work stop the agent", () => {
  test("an unknown isolator name", async () => {
    await expect(createInMemoryAgent({ flags: ["--isolation=cgroups/cpu,no/such"] })).rejects.toThrow(
      /^Unknown isolator 'no\/such' in --isolation: the built-in isolators are cgroups\/cpu, cgroups\/mem, docker\/runtime, filesystem\/linux, linux\/seccomp, network\/ports, posix\/cpu, posix\/mem, volume\/host_path, volume\/sandbox_path, volume\/secret; no --isolator_plugins are configured$/,
    );
  });

  test("a controller the chosen cgroup version does not have", async () => {
    const memory = mounts.v1.get("memory") ? "v2" : "v1";
    await expect(
      createInMemoryAgent({ flags: ["--isolation=cgroups/mem", `--cgroups_version=${memory}`, `--work_dir=${tempDir("agent")}`] }),
    ).rejects.toThrow(/^Cannot use isolator 'cgroups\/mem': The 'memory' cgroup controller is not available in cgroup v[12]: /);
  });
});
