/**
 * The cgroup v2 side of cgroups/cpu and cgroups/mem, file by file, on a fake cgroup2 tree in a
 * temp directory (the controllers are bound to v1 on the hosts we test on, so the kernel's v2
 * cpu and memory files are not there; test/integration/cgroups-v2-hierarchy.test.ts covers the
 * real v2 hierarchy's mechanics). No processes are involved.
 */
import { beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { ContainerIDSchema, isolator as api, TaskStatus_Reason } from "@mesos/proto";
import { createCgroupsHost } from "./cgroups-host.ts";
import { createCpuIsolator } from "./cpu-isolator.ts";
import { createMemIsolator, MIN_MEMORY_BYTES } from "./mem-isolator.ts";

let mount: string;
const id = create(ContainerIDSchema, { value: "c1" });
const config = (cpus: number, mem: number) =>
  create(api.ContainerConfigSchema, {
    containerId: id,
    directory: "/sandbox",
    resources: [
      { name: "cpus", type: 0, scalar: { value: cpus } },
      { name: "mem", type: 0, scalar: { value: mem } },
    ],
  });

beforeEach(() => {
  mount = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "cgroup2-"));
  writeFileSync(join(mount, "cgroup.controllers"), "cpu memory pids\n");
  writeFileSync(join(mount, "cgroup.subtree_control"), "\n");
  mkdirSync(join(mount, "mesos"));
  writeFileSync(join(mount, "mesos", "cgroup.subtree_control"), "\n");
});

const host = () =>
  createCgroupsHost({
    hierarchy: mount,
    root: "mesos",
    version: "v2",
    mounts: { v1: new Map(), v2: [{ mount, controllers: ["cpu", "memory", "pids"] }] },
  });
const file = (...p: string[]) => readFileSync(join(mount, ...p), "utf8");

describe("cgroups v2", () => {
  test("cpu: delegation down the tree, weight from shares, cpu.max with CFS and without", async () => {
    const cpu = createCpuIsolator({ host: host(), enableCfs: true });
    await cpu.prepare!(config(1.5, 64));
    expect(file("cgroup.subtree_control")).toBe("+cpu");
    expect(file("mesos", "cgroup.subtree_control")).toBe("+cpu");
    expect(file("mesos", "c1", "cpu.weight")).toBe(String(Math.round(1 + ((1536 - 2) * 9999) / 262142)));
    expect(file("mesos", "c1", "cpu.max")).toBe("150000 100000");
    const noCfs = createCpuIsolator({ host: host(), enableCfs: false });
    await noCfs.update!(id, config(2, 64).resources);
    expect(file("mesos", "c1", "cpu.max")).toBe("max 100000");
    await cpu.isolate!(id, 4242);
    expect(file("mesos", "c1", "cgroup.procs")).toBe("4242");
  });

  test("cpu: usage from cpu.stat", async () => {
    const cpu = createCpuIsolator({ host: host(), enableCfs: false });
    await cpu.prepare!(config(1, 64));
    writeFileSync(
      join(mount, "mesos", "c1", "cpu.stat"),
      "usage_usec 3500000\nuser_usec 2500000\nsystem_usec 1000000\nnr_periods 10\nnr_throttled 2\nthrottled_usec 40000\n",
    );
    expect(await cpu.usage!(id)).toMatchObject({
      cpusLimit: 1,
      cpusUserTimeSecs: 2.5,
      cpusSystemTimeSecs: 1,
      cpusNrPeriods: 10,
      cpusNrThrottled: 2,
      cpusThrottledTimeSecs: 0.04,
    });
  });

  test("mem: memory.max (at least 32 MB), the whole group killed on OOM, usage from memory.stat", async () => {
    const mem = createMemIsolator({ host: host(), limitSwap: false });
    await mem.prepare!(config(1, 16));
    expect(file("mesos", "c1", "memory.max")).toBe(String(MIN_MEMORY_BYTES));
    expect(file("mesos", "c1", "memory.oom.group")).toBe("1");
    await mem.update!(id, config(1, 256).resources);
    expect(file("mesos", "c1", "memory.max")).toBe(String(256 * 1024 * 1024));
    writeFileSync(join(mount, "mesos", "c1", "memory.current"), "1048576\n");
    writeFileSync(join(mount, "mesos", "c1", "memory.stat"), "anon 524288\nfile 262144\nfile_mapped 4096\nunevictable 0\n");
    expect(await mem.usage!(id)).toMatchObject({
      memLimitBytes: 268435456n,
      memTotalBytes: 1048576n,
      memRssBytes: 524288n,
      memFileBytes: 262144n,
      memMappedFileBytes: 4096n,
    });
  });

  test("mem: an oom_kill in memory.events is the limitation, seen when it happens and as the last word", async () => {
    const mem = createMemIsolator({ host: host(), limitSwap: false });
    await mem.prepare!(config(1, 64));
    const events = join(mount, "mesos", "c1", "memory.events");
    writeFileSync(events, "low 0\nhigh 0\nmax 3\noom 0\noom_kill 0\n");
    const quiet = new AbortController();
    const none = mem.watch!(id, quiet.signal);
    quiet.abort();
    expect(await none).toBeUndefined();

    const running = new AbortController();
    const watching = mem.watch!(id, running.signal);
    writeFileSync(join(mount, "mesos", "c1", "memory.peak"), String(64 * 1024 * 1024));
    writeFileSync(events, "low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\n");
    const limitation = await watching;
    expect(limitation).toMatchObject({ reason: TaskStatus_Reason.CONTAINER_LIMITATION_MEMORY });
    expect(limitation!.message).toStartWith("Memory limit exceeded: Requested: 64MB Maximum Used: 64MB");
    running.abort();
  });
});
