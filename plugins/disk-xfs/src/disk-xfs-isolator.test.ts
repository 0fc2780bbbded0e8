/**
 * The isolator's logic on an in-memory XFS host and a manual clock: ids, quotas per policy,
 * volumes, the active kill, reclamation after --disk_watch_interval (not before), recovery. The
 * kernel side is tested for real in the VM (test/vm/disk-xfs.test.ts).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ManualClock, parseFlags, silentLogger } from "@mesos/core";
import { type ContainerID, ContainerIDSchema, isolator as api, type ResourceSchema, TaskStatus_Reason } from "@mesos/proto";
import { createDiskXfsIsolator, type DiskXfsIsolator } from "./disk-xfs-isolator.ts";
import { diskXfsFlagSpecs } from "./flags.ts";
import { createMemoryXfsHost, type MemoryXfsHost } from "./memory-xfs-host.ts";
import { MB } from "./quota-policy.ts";

type ResourceInit = MessageInitShape<typeof ResourceSchema>;
const disk = (mb: number): ResourceInit => ({ name: "disk", type: 0, scalar: { value: mb } });
type SourceInit = NonNullable<NonNullable<ResourceInit["disk"]>["source"]>;
const volume = (id: string, mb: number, source?: SourceInit): ResourceInit => ({
  name: "disk",
  type: 0,
  scalar: { value: mb },
  reservations: [{ type: 2, role: "db" }],
  disk: { persistence: { id }, volume: { containerPath: id, mode: 1 }, source },
});

const made: DiskXfsIsolator[] = [];
afterEach(() => {
  for (const iso of made.splice(0)) iso.close();
});

interface Setup {
  iso: DiskXfsIsolator;
  host: MemoryXfsHost;
  clock: ManualClock;
  workDir: string;
  sandbox(container: string): string;
  config(container: string, resources: ResourceInit[]): api.ContainerConfig;
  id(container: string): ContainerID;
}

function setup(flags: string[] = [], reuse?: Pick<Setup, "host" | "clock" | "workDir">): Setup {
  const workDir = reuse?.workDir ?? mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "xfs-unit-"));
  const host = reuse?.host ?? createMemoryXfsHost();
  const clock = reuse?.clock ?? new ManualClock();
  const iso = createDiskXfsIsolator({
    flags: parseFlags(diskXfsFlagSpecs, flags, {}).values,
    workDir,
    clock,
    log: silentLogger,
    host,
  });
  made.push(iso);
  const sandbox = (c: string) => join(workDir, "slaves/S0/frameworks/F/executors", c, "runs", c);
  const id = (c: string) => create(ContainerIDSchema, { value: c });
  const config = (c: string, resources: ResourceInit[]) => {
    mkdirSync(sandbox(c), { recursive: true });
    return create(api.ContainerConfigSchema, { containerId: id(c), directory: sandbox(c), resources: resources as never });
  };
  return { iso, host, clock, workDir, sandbox, config, id };
}

const free = async (iso: DiskXfsIsolator) => (await iso.metrics!())["containerizer/mesos/disk/project_ids_free"];

describe("disk/xfs on an in-memory XFS host", () => {
  test("sandboxes get the lowest free ids and a quota of their plain disk (passive: soft = hard)", async () => {
    const s = setup(["--xfs_project_range=[5000-5009]", "--enforce_container_disk_quota"]);
    expect(s.iso.policy).toBe("passive");
    await s.iso.prepare!(s.config("a", [disk(10), { name: "cpus", type: 0, scalar: { value: 1 } }]));
    await s.iso.prepare!(s.config("b", [disk(20), disk(5)]));
    expect(s.host.projectIds.get(s.sandbox("a"))).toBe(5000);
    expect(s.host.projectIds.get(s.sandbox("b"))).toBe(5001);
    expect(s.host.quotas.get(5000)).toMatchObject({ softLimit: 10 * MB, hardLimit: 10 * MB });
    expect(s.host.quotas.get(5001)).toMatchObject({ softLimit: 25 * MB, hardLimit: 25 * MB });
    s.host.use(5000, 3 * MB);
    expect(await s.iso.usage!(s.id("a"))).toEqual({ diskStatistics: [], diskUsedBytes: BigInt(3 * MB), diskLimitBytes: BigInt(10 * MB) });
    expect(await s.iso.metrics!()).toEqual({ "containerizer/mesos/disk/project_ids_total": 10, "containerizer/mesos/disk/project_ids_free": 8 });
  });

  test("accounting: no limits in the kernel, usage still reports what the quota ought to be", async () => {
    const s = setup();
    expect(s.iso.policy).toBe("accounting");
    await s.iso.prepare!(s.config("a", [disk(10)]));
    expect(s.host.quotas.get(5000)).toMatchObject({ softLimit: 0, hardLimit: 0 });
    s.host.use(5000, 50 * MB);
    expect(await s.iso.usage!(s.id("a"))).toMatchObject({ diskUsedBytes: BigInt(50 * MB), diskLimitBytes: BigInt(10 * MB) });
  });

  test("active: hard = soft + 10 MB; crossing the soft limit is a disk limitation at the next check, as Mesos words it", async () => {
    const s = setup(["--enforce_container_disk_quota", "--xfs_kill_containers", "--container_disk_watch_interval=1secs"]);
    await s.iso.prepare!(s.config("a", [disk(10)]));
    expect(s.host.quotas.get(5000)).toMatchObject({ softLimit: 10 * MB, hardLimit: 20 * MB });
    const ended = new AbortController();
    let seen: unknown;
    const watching = s.iso.watch!(s.id("a"), ended.signal).then((l) => (seen = l));
    s.host.use(5000, 10 * MB); // at the limit is not over it
    s.clock.advance(1000);
    await Bun.sleep(0);
    expect(seen).toBeUndefined();
    s.host.use(5000, 15 * MB);
    s.clock.advance(999);
    await Bun.sleep(0);
    expect(seen).toBeUndefined();
    s.clock.advance(1);
    await watching;
    expect(seen).toMatchObject({
      message: "Disk usage (15MB) exceeded quota (10MB)",
      reason: TaskStatus_Reason.CONTAINER_LIMITATION_DISK,
      resources: [{ name: "disk", scalar: { value: 15 } }],
    });
    // A watch after the fact sees it at once.
    expect(await s.iso.watch!(s.id("a"), new AbortController().signal)).toMatchObject({ reason: TaskStatus_Reason.CONTAINER_LIMITATION_DISK });
  });

  test("passive and accounting never kill; a container without disk has no limit to cross", async () => {
    const passive = setup(["--enforce_container_disk_quota", "--container_disk_watch_interval=1secs"]);
    await passive.iso.prepare!(passive.config("a", [disk(1)]));
    passive.host.use(5000, 100 * MB);
    const ended = new AbortController();
    const w = passive.iso.watch!(passive.id("a"), ended.signal);
    passive.clock.advance(60_000);
    ended.abort();
    expect(await w).toBeUndefined();

    const active = setup(["--enforce_container_disk_quota", "--xfs_kill_containers", "--container_disk_watch_interval=1secs"]);
    await active.iso.prepare!(active.config("nodisk", [{ name: "cpus", type: 0, scalar: { value: 1 } }]));
    active.host.use(5000, 5 * MB);
    const over = new AbortController();
    const w2 = active.iso.watch!(active.id("nodisk"), over.signal);
    active.clock.advance(5000);
    over.abort();
    expect(await w2).toBeUndefined();
  });

  test("range exhausted fails the launch naming the range; the id comes back one --disk_watch_interval after its sandbox is gone", async () => {
    const s = setup(["--xfs_project_range=[6000-6001]", "--disk_watch_interval=10secs"]);
    await s.iso.prepare!(s.config("a", [disk(1)]));
    await s.iso.prepare!(s.config("b", [disk(1)]));
    await expect(s.iso.prepare!(s.config("c", [disk(1)]))).rejects.toThrow(
      /^Failed to assign project ID, range exhausted: every ID of --xfs_project_range \[6000-6001\] is in use/,
    );
    await s.iso.cleanup!(s.id("c")); // the failed launch is cleaned up: nothing to do
    await s.iso.cleanup!(s.id("a"));
    await s.iso.cleanup!(s.id("a"));
    s.clock.advance(10_000);
    expect(await free(s.iso)).toBe(0); // the sandbox is still there
    rmSync(s.sandbox("a"), { recursive: true });
    s.clock.advance(9_999);
    expect(await free(s.iso)).toBe(0); // not at once
    s.clock.advance(1);
    expect(await free(s.iso)).toBe(1);
    expect(s.host.getQuota("", 6000)).toBeUndefined(); // its quota record is cleared
    await s.iso.prepare!(s.config("c", [disk(1)]));
    expect(s.host.projectIds.get(s.sandbox("c"))).toBe(6000);
  });

  test("a persistent volume gets its own id and a quota of its size; it keeps the id across tasks, grows with GROW_VOLUME and shrinks with SHRINK_VOLUME", async () => {
    const s = setup(["--enforce_container_disk_quota"]);
    const dir = join(s.workDir, "volumes/roles/db/v1");
    mkdirSync(dir, { recursive: true });
    await s.iso.prepare!(s.config("a", [disk(10), volume("v1", 64)]));
    expect(s.host.projectIds.get(dir)).toBe(5001);
    expect(s.host.quotas.get(5001)).toMatchObject({ softLimit: 64 * MB, hardLimit: 64 * MB });
    s.host.use(5001, 5 * MB);
    expect(await s.iso.usage!(s.id("a"))).toMatchObject({
      diskLimitBytes: BigInt(10 * MB),
      diskStatistics: [{ persistence: { id: "v1" }, limitBytes: BigInt(64 * MB), usedBytes: BigInt(5 * MB) }],
    });
    await s.iso.cleanup!(s.id("a"));
    // The next task after GROW_VOLUME: same id, the new size.
    await s.iso.prepare!(s.config("b", [volume("v1", 128)]));
    expect(s.host.projectIds.get(dir)).toBe(5001);
    expect(s.host.quotas.get(5001)).toMatchObject({ softLimit: 128 * MB, hardLimit: 128 * MB });
    expect(await free(s.iso)).toBe(5001 - 3);
    await s.iso.cleanup!(s.id("b"));
    // And after SHRINK_VOLUME: same id, the smaller size.
    await s.iso.prepare!(s.config("c", [volume("v1", 32)]));
    expect(s.host.projectIds.get(dir)).toBe(5001);
    expect(s.host.quotas.get(5001)).toMatchObject({ softLimit: 32 * MB, hardLimit: 32 * MB });
    expect(await free(s.iso)).toBe(5001 - 4);
    // Destroyed: reclaimed at the next interval (default 1mins).
    await s.iso.cleanup!(s.id("c"));
    rmSync(dir, { recursive: true });
    s.clock.advance(60_000);
    expect(await free(s.iso)).toBe(5001 - 3);
  });

  test("MOUNT disks get no project: usage is the filesystem's", async () => {
    const s = setup(["--enforce_container_disk_quota"]);
    const root = join(s.workDir, "mnt-disk");
    mkdirSync(root);
    s.host.used = 42;
    await s.iso.prepare!(s.config("a", [volume("m", 100, { type: 2, mount: { root } })]));
    expect(s.host.projectIds.has(root)).toBe(false);
    expect(await s.iso.usage!(s.id("a"))).toMatchObject({
      diskStatistics: [{ persistence: { id: "m" }, limitBytes: BigInt(100 * MB), usedBytes: 42n }],
    });
    expect(await free(s.iso)).toBe(5000);
  });

  test("recovery finds ids on disk: running containers keep theirs, unknown sandboxes are cleaned up, volumes keep theirs", async () => {
    const first = setup(["--enforce_container_disk_quota", "--xfs_project_range=[7000-7009]", "--disk_watch_interval=5secs"]);
    const volumeDir = join(first.workDir, "volumes/roles/db/v");
    mkdirSync(volumeDir, { recursive: true });
    const running = first.config("running", [disk(10), volume("v", 32)]);
    await first.iso.prepare!(running);
    await first.iso.prepare!(first.config("gone", [disk(10)]));
    mkdirSync(first.sandbox("never-isolated"), { recursive: true });
    first.iso.close(); // the agent stops

    const again = setup(["--enforce_container_disk_quota", "--xfs_project_range=[7000-7009]", "--disk_watch_interval=5secs"], first);
    await again.iso.recover!([create(api.ContainerStateSchema, { containerId: again.id("running"), pid: 1, config: running })], []);
    expect(await free(again.iso)).toBe(7);
    expect(await again.iso.usage!(again.id("running"))).toMatchObject({
      diskLimitBytes: BigInt(10 * MB),
      diskStatistics: [{ limitBytes: BigInt(32 * MB) }],
    });
    expect(await again.iso.usage!(again.id("gone"))).toBeUndefined(); // cleaned up at recovery
    rmSync(again.sandbox("gone"), { recursive: true });
    again.clock.advance(5000);
    expect(await free(again.iso)).toBe(8);
    // The next container gets the id that came back, the volume's id stays.
    await again.iso.prepare!(again.config("next", [disk(1), volume("v", 32)]));
    expect(again.host.projectIds.get(again.sandbox("next"))).toBe(7002);
    expect(again.host.projectIds.get(volumeDir)).toBe(7001);
  });

  test("start-up checks: each names the path and what to do; a bad range stops it too", () => {
    const host = createMemoryXfsHost();
    const make =
      (flags: string[] = []) =>
      () =>
        createDiskXfsIsolator({
          flags: parseFlags(diskXfsFlagSpecs, flags, {}).values,
          workDir: "/var/lib/mesos",
          clock: new ManualClock(),
          log: silentLogger,
          host,
        });
    host.facts = () => ({ xfs: false, fsType: "ext4", mountPoint: "/", source: "/dev/vda", projectQuota: false, projectQuotaEnforced: false });
    expect(make()).toThrow(
      "'/var/lib/mesos' is not an XFS filesystem: the agent's work directory (--work_dir) is on ext4 (mounted at /). Put it on an XFS filesystem mounted with project quotas (mount -o prjquota)",
    );
    host.facts = () => ({ xfs: true, fsType: "xfs", mountPoint: "/var", source: "/dev/sdb", projectQuota: false, projectQuotaEnforced: false });
    expect(make()).toThrow(
      "XFS project quotas are not enabled on '/var/lib/mesos': the agent's work directory (--work_dir) is on /dev/sdb mounted at /var without prjquota. Mount it with -o prjquota",
    );
    host.facts = () => ({ xfs: true, fsType: "xfs", mountPoint: "/var", source: "/dev/sdb", projectQuota: true, projectQuotaEnforced: true });
    host.root = false;
    expect(make()).toThrow("The XFS disk isolator requires running as root");
    host.root = true;
    expect(make(["--xfs_project_range=[0-5]"])).toThrow("XFS project ID range contains illegal 0 value");
    expect(make()).not.toThrow();
  });

  test("cleanup of a container it never saw, and a watch of one, are harmless", async () => {
    const s = setup();
    await s.iso.cleanup!(s.id("nobody"));
    const ended = new AbortController();
    const w = s.iso.watch!(s.id("nobody"), ended.signal);
    ended.abort();
    expect(await w).toBeUndefined();
    await expect(s.iso.prepare!(s.config("twice", []))).resolves.toBeUndefined();
    await expect(s.iso.prepare!(s.config("twice", []))).rejects.toThrow("Container has already been prepared");
  });
});
