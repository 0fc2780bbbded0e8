/**
 * disk/xfs on a real kernel with XFS project quotas. Runs INSIDE the VM only (disk-xfs-guest.sh
 * mounts the filesystems and starts it; test/vm/disk-xfs.test.ts drives it from the host): a
 * compiled `mesos agent --isolation=disk/xfs` (with a master in this process) with its work dir on an XFS
 * image mounted -o prjquota, tasks writing with dd, and the kernel's project ids and quotas read
 * back through @mesos/linux. Under software emulation every process start is dear, so one master
 * serves every agent, and the tests of one agent's flags share it (in order, within a describe).
 * Each agent has a project range of its own: they share one filesystem.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { blockDeviceOf, getProjectId, getProjectQuota, setProjectIdRecursively } from "@mesos/linux";
import { parseFlags, silentLogger, systemClock } from "@mesos/core";
import type { RunningMaster } from "@mesos/master";
import { connectIsolator, serveIsolator } from "@mesos/plugin-api";
import { isolatorContract } from "@mesos/plugin-api/contract";
import {
  checkDiskXfsHost,
  createDiskXfsIsolator,
  type DiskXfsIsolator,
  diskXfsAgentFlagSpecs,
  diskXfsFlagSpecs,
  diskXfsPlugin,
  systemXfsHost,
} from "@mesos/plugin-disk-xfs";
import {
  type Offer,
  type Offer_OperationSchema,
  OperationState,
  isolator as api,
  ContainerIDSchema,
  type ResourceSchema,
  TaskState,
  TaskStatus_Reason,
  Value_Type,
} from "@mesos/proto";
import { type Daemon, runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";
import { eventually, startTestMaster, tempDir } from "../support/cluster.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";

const PRJQUOTA = process.env.XFS_PRJQUOTA_DIR;
const NOQUOTA = process.env.XFS_NOQUOTA_DIR;
const NOT_XFS = process.env.NOT_XFS_DIR;
if (!PRJQUOTA || !NOQUOTA || !NOT_XFS) throw new Error("disk-xfs.guest.ts runs inside the VM, started by test/vm/disk-xfs-guest.sh");

const MB = 1024 * 1024;
/** Waits are long: the VM emulates its CPU, on a machine that may be busy. */
const WAIT = 240_000;
/** Marks a long test's steps in the guest's log (the host shows its tail when something fails). */
const started = Date.now();
const step = (what: string) => console.log(`[disk-xfs +${((Date.now() - started) / 1000).toFixed(1)}s] ${what}`);

// The master runs in this process: only the agents (and their containers' launch helper) are the
// compiled binary, each start of which costs seconds under emulation.
let master: RunningMaster;
let masterAddress: string;
beforeAll(async () => {
  master = await startTestMaster();
  masterAddress = master.url.replace("http://", "");
}, WAIT);
afterAll(async () => {
  await stopAllDaemons();
  await master?.stop();
});

interface Cluster {
  agent: Daemon;
  agentArgs: string[];
  agentUrl: string;
  workDir: string;
  fw: TestFramework;
  stop(): Promise<void>;
}

async function startAgent(args: string[]): Promise<{ agent: Daemon; url: string }> {
  const agent = startDaemon(args);
  const [, url] = await agent.waitFor(/Agent listening on (http:\/\/[\d.]+:\d+)/, WAIT);
  await agent.waitFor(/Registered with master/, WAIT);
  return { agent, url: url! };
}

/** An agent with disk/xfs and these flags, and a framework of its own (it sees only this agent: the others are gone). */
async function cluster(agentFlags: string[], framework: Parameters<typeof startTestFramework>[1] = {}): Promise<Cluster> {
  const workDir = tempDir("agent");
  const agentArgs = [
    "agent",
    `--master=${masterAddress}`,
    `--work_dir=${workDir}`,
    "--port=0",
    "--ip=127.0.0.1",
    "--isolation=disk/xfs",
    "--resources=cpus:4;mem:2048;disk:200",
    "--registration_backoff_factor=10ms",
    ...agentFlags,
  ];
  const { agent, url } = await startAgent(agentArgs);
  const fw = await startTestFramework(`http://${masterAddress}`, { checkpoint: true, ...framework });
  const c: Cluster = {
    agent,
    agentArgs,
    agentUrl: url,
    workDir,
    fw,
    async stop() {
      fw.close();
      await c.agent.kill("SIGKILL");
    },
  };
  return c;
}

const metrics = async (c: { agentUrl: string }) => (await (await fetch(`${c.agentUrl}/metrics/snapshot`)).json()) as Record<string, number>;

/** The task's sandbox (the real directory `runs/latest` points at: project ids are read without following links). */
function sandboxOf(c: Cluster, offer: Offer, taskId: string): string {
  return realpathSync(join(c.workDir, "slaves", offer.agentId!.value, "frameworks", c.fw.sub.frameworkId, "executors", taskId, "runs", "latest"));
}

/** An executor's statistics in the agent's `/monitor/statistics` (a command task's executor has the task's id). */
async function statisticsOf(c: { agentUrl: string }, executorId: string): Promise<Record<string, unknown> | undefined> {
  const list = (await (await fetch(`${c.agentUrl}/monitor/statistics`)).json()) as { executor_id: string; statistics: Record<string, unknown> }[];
  return list.find((e) => e.executor_id === executorId)?.statistics;
}

const quotaOf = (path: string, projectId: number) => getProjectQuota(blockDeviceOf(path), projectId);
const statesOf = (c: Cluster, taskId: string) => c.fw.statuses.filter((s) => s.taskId?.value === taskId).map((s) => TaskState[s.state]);

describe("passive (--enforce_container_disk_quota), 2 ids", () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster(["--enforce_container_disk_quota", "--xfs_project_range=[5000-5001]"]);
  }, WAIT * 2);
  afterAll(() => c?.stop());

  test("a dd past the quota fails and the task keeps running", async () => {
    // dd's verdict goes outside the sandbox: a full sandbox takes no new file, not even an error message.
    const report = tempDir("report").replace(PRJQUOTA, NOT_XFS);
    mkdirSync(report, { recursive: true });
    const command = `dd if=/dev/zero of=big bs=1M count=20 conv=fsync 2>${report}/dd.err; echo $? > ${report}/dd.rc; sleep 1000`;
    const offer = await c.fw.launch("writer", command, { disk: 10, refuseSeconds: 0 });
    await c.fw.waitForStatus("writer", TaskState.TASK_RUNNING, WAIT);
    const sandbox = sandboxOf(c, offer, "writer");
    await eventually(() => existsSync(join(report, "dd.rc")) && readFileSync(join(report, "dd.rc"), "utf8").trim() !== "", WAIT, "dd to finish");
    expect(readFileSync(join(report, "dd.rc"), "utf8").trim()).toBe("1");
    expect(readFileSync(join(report, "dd.err"), "utf8")).toMatch(/No space left on device|Disk quota exceeded/);
    expect(statSync(join(sandbox, "big")).size).toBeLessThanOrEqual(10 * MB);
    // The kernel holds the quota on the sandbox's project: soft = hard = 10 MB.
    expect(getProjectId(sandbox)).toBe(5000);
    expect(quotaOf(sandbox, 5000)).toMatchObject({ softLimit: 10 * MB, hardLimit: 10 * MB });
    // Nothing kills it: still running a while later, with its usage reported.
    await Bun.sleep(3000);
    expect(statesOf(c, "writer")).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
    const stats = await statisticsOf(c, "writer");
    expect(Number(stats!.disk_limit_bytes)).toBe(10 * MB);
    expect(Number(stats!.disk_used_bytes)).toBeGreaterThan(9 * MB);
    expect(await metrics(c)).toMatchObject({ "containerizer/mesos/disk/project_ids_total": 2, "containerizer/mesos/disk/project_ids_free": 1 });
  });

  test("with 2 ids and 3 tasks, the third fails with the range message", async () => {
    await c.fw.launch("second", "sleep 1000", { disk: 1, refuseSeconds: 0 });
    await c.fw.waitForStatus("second", TaskState.TASK_RUNNING, WAIT);
    await c.fw.launch("third", "sleep 1000", { disk: 1, refuseSeconds: 0 });
    const failed = await c.fw.waitForStatus("third", TaskState.TASK_FAILED, WAIT);
    expect(failed.reason).toBe(TaskStatus_Reason.CONTAINER_LAUNCH_FAILED);
    expect(failed.message).toContain("Failed to assign project ID, range exhausted: every ID of --xfs_project_range [5000-5001] is in use");
    expect(await metrics(c)).toMatchObject({ "containerizer/mesos/disk/project_ids_total": 2, "containerizer/mesos/disk/project_ids_free": 0 });
    expect(statesOf(c, "writer")).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
  });
});

describe("active (--xfs_kill_containers), --disk_watch_interval=2secs", () => {
  let c: Cluster;
  let sandbox: string;
  beforeAll(async () => {
    const flags = ["--enforce_container_disk_quota", "--xfs_kill_containers", "--container_disk_watch_interval=1secs", "--disk_watch_interval=2secs"];
    c = await cluster([...flags, "--xfs_project_range=[5100-5101]"]);
  }, WAIT * 2);
  afterAll(() => c?.stop());

  test("crossing the soft limit kills the task with the disk reason", async () => {
    const offer = await c.fw.launch("hog", "dd if=/dev/zero of=big bs=1M count=15 conv=fsync; sleep 1000", { disk: 10, refuseSeconds: 0 });
    await c.fw.waitForStatus("hog", TaskState.TASK_RUNNING, WAIT);
    sandbox = sandboxOf(c, offer, "hog");
    expect(quotaOf(sandbox, 5100)).toMatchObject({ softLimit: 10 * MB, hardLimit: 20 * MB });
    const failed = await c.fw.waitForStatus("hog", TaskState.TASK_FAILED, WAIT);
    expect(failed.reason).toBe(TaskStatus_Reason.CONTAINER_LIMITATION_DISK);
    expect(failed.message).toMatch(/^Disk usage \(\d+(KB|MB)\) exceeded quota \(10MB\)$/);
    expect(failed.limitation?.resources[0]).toMatchObject({ name: "disk" });
    // Killed at the first check above 10 MB (dd may still have been writing).
    expect(failed.limitation!.resources[0]!.scalar!.value).toBeGreaterThanOrEqual(10);
  });

  test("reclamation: the ended task's id stays while its sandbox exists, and comes back within --disk_watch_interval once it is gone", async () => {
    // Still accounted to the task's project (a little less than at the kill: XFS gives back its
    // speculative preallocation once the file is closed).
    expect(quotaOf(sandbox, 5100)?.used).toBeGreaterThan(5 * MB);
    await Bun.sleep(5000); // two intervals and more: the sandbox is still there
    expect((await metrics(c))["containerizer/mesos/disk/project_ids_free"]).toBe(1);
    rmSync(join(sandbox, "../.."), { recursive: true }); // the executor's directory, as sandbox garbage collection removes it
    await eventually(async () => (await metrics(c))["containerizer/mesos/disk/project_ids_free"] === 2, WAIT, "the id to be reclaimed");
    expect(quotaOf(c.workDir, 5100)).toBeUndefined(); // nothing left on record
    await c.agent.waitFor(/Reclaimed project ID 5100 from/, WAIT);
  });
});

type ResourceInit = MessageInitShape<typeof ResourceSchema>;
const reserved = (name: string, value: number) =>
  ({ name, type: Value_Type.SCALAR, scalar: { value }, reservations: [{ type: 2, role: "db" }] }) satisfies ResourceInit;
const volume = (size: number) =>
  ({ ...reserved("disk", size), disk: { persistence: { id: "data" }, volume: { containerPath: "data", mode: 1 } } }) satisfies ResourceInit;

/** Applies an offer operation on the first offer `where` accepts (declining the others) and waits for its success. */
async function operate(
  fw: TestFramework,
  op: MessageInitShape<typeof Offer_OperationSchema>,
  where: (o: Offer) => boolean = () => true,
): Promise<void> {
  for (;;) {
    const offers = await fw.nextOffers(WAIT);
    const offer = offers.find(where);
    for (const other of offers) if (other !== offer) await fw.sub.decline([other.id!.value], 0);
    if (!offer) continue;
    await fw.sub.accept([offer.id!.value], [op], 0);
    const status = await eventually(
      () => fw.operationStatuses.find((s) => s.operationId?.value === op.id?.value),
      WAIT,
      `feedback for ${op.id?.value}`,
    );
    expect([op.id?.value, OperationState[status.state], status.message]).toEqual([op.id?.value, "OPERATION_FINISHED", ""]);
    return;
  }
}

const withVolume = (size: number) => (o: Offer) => o.resources.some((r) => r.disk?.persistence?.id === "data" && r.scalar?.value === size);

async function launchWithVolume(fw: TestFramework, taskId: string, size: number, command: string): Promise<void> {
  let offer: Offer | undefined;
  while (!offer) {
    const offers = await fw.nextOffers(WAIT);
    offer = offers.find(withVolume(size));
    for (const other of offers) if (other !== offer) await fw.sub.decline([other.id!.value], 0);
  }
  const task = {
    name: taskId,
    taskId: { value: taskId },
    agentId: offer!.agentId,
    command: { value: command },
    resources: [reserved("cpus", 0.1), reserved("mem", 32), volume(size)],
  };
  await fw.sub.accept([offer!.id!.value], [{ type: 1, launch: { taskInfos: [task] } }], 0);
}

let cleanup: (() => Promise<void>) | undefined;
afterAll(() => cleanup?.());

test("agent restart: a volume keeps its id and limit, a running task's quota still holds, an unknown sandbox is cleaned; GROW_VOLUME raises the volume's limit for the next task; DESTROY gives its id back", async () => {
  const c = await cluster(["--enforce_container_disk_quota", "--xfs_project_range=[5300-5309]", "--disk_watch_interval=2secs"], {
    role: "db",
    capabilities: [{ type: 7 }],
  });
  cleanup = c.stop;
  const free = async () => (await metrics(c))["containerizer/mesos/disk/project_ids_free"];
  const volumeDir = join(c.workDir, "volumes/roles/db/data");
  step("reserve");
  await operate(c.fw, {
    type: 2,
    id: { value: "reserve" },
    reserve: { resources: [reserved("disk", 100), reserved("cpus", 1), reserved("mem", 256)] },
  });
  step("create the volume");
  await operate(c.fw, { type: 4, id: { value: "create" }, create: { volumes: [volume(8)] } });

  step("launch first");
  // 8 MB: 4 fit, 4 + 8 do not.
  await launchWithVolume(
    c.fw,
    "first",
    8,
    "dd if=/dev/zero of=data/a bs=1M count=4 conv=fsync && ! dd if=/dev/zero of=data/b bs=1M count=8 conv=fsync",
  );
  await c.fw.waitForStatus("first", TaskState.TASK_FINISHED, WAIT);
  const projectId = getProjectId(volumeDir)!;
  expect(projectId).toBeGreaterThanOrEqual(5300);
  expect(quotaOf(volumeDir, projectId)).toMatchObject({ softLimit: 8 * MB, hardLimit: 8 * MB });
  expect(await free()).toBe(8); // the first task's sandbox and the volume

  step("launch keeper");
  // A task that keeps running across the restart, with a 4 MB sandbox quota.
  const offer = await c.fw.launch("keeper", "dd if=/dev/zero of=f bs=1M count=2 conv=fsync; sleep 1000", { disk: 4, refuseSeconds: 0 });
  await c.fw.waitForStatus("keeper", TaskState.TASK_RUNNING, WAIT);
  const keeper = sandboxOf(c, offer, "keeper");
  const keeperId = getProjectId(keeper)!;
  expect(quotaOf(keeper, keeperId)).toMatchObject({ hardLimit: 4 * MB });
  // A sandbox no container of the agent knows, with an id of the range (as a crash mid-launch could leave).
  const ghost = join(dirname(dirname(dirname(keeper))), "ghost/runs/ghost-run");
  mkdirSync(ghost, { recursive: true });
  setProjectIdRecursively(ghost, 5309);

  step("restart the agent");
  // The agent restarts: ids are found again on disk and stay in use.
  expect(await c.agent.kill("SIGKILL")).not.toBe(0);
  const restarted = await startAgent(c.agentArgs);
  c.agent = restarted.agent;
  c.agentUrl = restarted.url;
  await c.agent.waitFor(/Recovered \d+ containers and 1 persistent volumes with XFS projects/, WAIT);
  expect(await free()).toBe(6); // the first task's sandbox, the volume, keeper's and the ghost's
  expect(getProjectId(volumeDir)).toBe(projectId);
  expect(quotaOf(volumeDir, projectId)).toMatchObject({ hardLimit: 8 * MB });
  step("check keeper");
  // The running task: still running, its usage and limit reported again, its quota still enforced.
  await eventually(async () => Number((await statisticsOf(c, "keeper"))?.disk_limit_bytes) === 4 * MB, WAIT, "keeper's statistics");
  expect(statesOf(c, "keeper")).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
  expect(getProjectId(keeper)).toBe(keeperId);
  expect(() => writeFileSync(join(keeper, "more"), Buffer.alloc(4 * MB))).toThrow(/ENOSPC|EDQUOT/);
  step("remove the ghost sandbox");
  // The unknown sandbox was cleaned up: its id comes back once it is removed.
  rmSync(join(ghost, "../.."), { recursive: true });
  await eventually(async () => (await free()) === 7, WAIT, "the ghost's id to be reclaimed");
  await c.agent.waitFor(/Reclaimed project ID 5309 from/, WAIT);

  step("grow");
  // Grown to 16 MB: the next task using it gets the new limit on the same project.
  await operate(c.fw, { type: 11, id: { value: "grow" }, growVolume: { volume: volume(8), addition: reserved("disk", 8) } }, withVolume(8));
  step("launch second");
  await launchWithVolume(c.fw, "second", 16, "rm -f data/b && dd if=/dev/zero of=data/b bs=1M count=10 conv=fsync");
  await c.fw.waitForStatus("second", TaskState.TASK_FINISHED, WAIT);
  expect(getProjectId(volumeDir)).toBe(projectId);
  expect(quotaOf(volumeDir, projectId)).toMatchObject({ softLimit: 16 * MB, hardLimit: 16 * MB });
  expect(quotaOf(volumeDir, projectId)!.used).toBeGreaterThanOrEqual(14 * MB);

  step("destroy");
  // Destroyed: its directory goes, and its id comes back at the next interval.
  const before = (await free())!;
  await operate(c.fw, { type: 5, id: { value: "destroy" }, destroy: { volumes: [volume(16)] } }, withVolume(16));
  expect(existsSync(volumeDir)).toBe(false);
  await eventually(async () => (await free()) === before + 1, WAIT, "the volume's id to be reclaimed");
  expect(quotaOf(c.workDir, projectId)).toBeUndefined();
});

test("start-up checks on real mounts: a directory not on XFS, and one on XFS without prjquota, are refused with what to do; the compiled agent stops with those words", async () => {
  // The same checks stop the compiled agent (test/e2e/disk-xfs-host.test.ts runs that on the host).
  const check = (workDir: string) => () => checkDiskXfsHost(systemXfsHost, { workDir, defaultRole: "*" });
  expect(check(NOT_XFS)).toThrow(
    `'${NOT_XFS}' is not an XFS filesystem: the agent's work directory (--work_dir) is on tmpfs (mounted at ${dirname(NOT_XFS)}). Put it on an XFS filesystem mounted with project quotas (mount -o prjquota)`,
  );
  expect(check(NOQUOTA)).toThrow(
    new RegExp(
      `^XFS project quotas are not enabled on '${NOQUOTA}': the agent's work directory \\(--work_dir\\) is on /dev/loop\\d+ mounted at ${NOQUOTA} without prjquota\\. Mount it with -o prjquota`,
    ),
  );
  expect(check(PRJQUOTA)()).toEqual([]);
  const agentOn = (workDir: string) =>
    runMesos(["agent", `--master=${masterAddress}`, `--work_dir=${workDir}`, "--isolation=disk/xfs", "--port=0", "--ip=127.0.0.1"], WAIT);
  const [notXfs, noQuota] = await Promise.all([agentOn(NOT_XFS), agentOn(NOQUOTA)]);
  expect([notXfs.code, noQuota.code]).toEqual([1, 1]);
  expect(notXfs.stderr).toContain(`Cannot use isolator 'disk/xfs': '${NOT_XFS}' is not an XFS filesystem`);
  expect(noQuota.stderr).toContain(`Cannot use isolator 'disk/xfs': XFS project quotas are not enabled on '${NOQUOTA}'`);
});

test("accounting (no --enforce_container_disk_quota): the kernel holds no limit, writes past the quota succeed, usage and quota are reported", async () => {
  const flags = parseFlags(diskXfsFlagSpecs, ["--xfs_project_range=[5700-5701]"], {}).values;
  const isolator = createDiskXfsIsolator({ flags, workDir: tempDir("accounting-agent"), clock: systemClock, log: silentLogger });
  try {
    const sandbox = tempDir("accounting-sandbox");
    const containerId = create(ContainerIDSchema, { value: "accounted" });
    const resources = [{ name: "disk", type: 0, scalar: { value: 2 } }];
    await isolator.prepare!(create(api.ContainerConfigSchema, { containerId, directory: sandbox, resources }));
    expect(getProjectId(sandbox)).toBe(5700);
    const fd = openSync(join(sandbox, "five"), "w");
    writeSync(fd, Buffer.alloc(5 * MB));
    fsyncSync(fd);
    closeSync(fd);
    expect(quotaOf(sandbox, 5700)).toMatchObject({ softLimit: 0, hardLimit: 0 });
    expect(quotaOf(sandbox, 5700)!.used).toBeGreaterThanOrEqual(5 * MB);
    const usage = await isolator.usage!(containerId);
    expect(usage?.diskLimitBytes).toBe(BigInt(2 * MB));
    expect(Number(usage?.diskUsedBytes)).toBeGreaterThanOrEqual(5 * MB);
    await isolator.cleanup!(containerId);
  } finally {
    isolator.close();
  }
});

test("out of process: served as an isolator plugin, it sets real project ids and quotas over mesos.isolator.v1", async () => {
  // What `mesos isolator serve disk/xfs` does, in a process of its own (its start-up is tested on the host).
  const argv = [`--work_dir=${tempDir("plugin-agent")}`, "--enforce_container_disk_quota", "--xfs_project_range=[5500-5501]"];
  const flags = parseFlags({ ...diskXfsAgentFlagSpecs, ...diskXfsFlagSpecs }, argv, {}).values;
  const isolator = (await diskXfsPlugin.create(flags, { log: silentLogger, clock: systemClock })) as DiskXfsIsolator;
  const socket = join(tempDir("plugin"), "disk-xfs.sock");
  const served = serveIsolator(isolator, { socket });
  try {
    const remote = await connectIsolator({ name: "disk/xfs", endpoint: `unix://${socket}`, timeoutMs: 20_000 });
    const sandbox = tempDir("plugin-sandbox");
    const containerId = create(ContainerIDSchema, { value: "remote-1" });
    const resources = [{ name: "disk", type: 0, scalar: { value: 3 } }];
    await remote.prepare!(create(api.ContainerConfigSchema, { containerId, directory: sandbox, resources }));
    expect(getProjectId(sandbox)).toBe(5500);
    expect(quotaOf(sandbox, 5500)).toMatchObject({ hardLimit: 3 * MB });
    expect(await remote.usage!(containerId)).toMatchObject({ diskLimitBytes: BigInt(3 * MB) });
    expect(await remote.metrics!()).toEqual({ "containerizer/mesos/disk/project_ids_total": 2, "containerizer/mesos/disk/project_ids_free": 1 });
    await remote.cleanup!(containerId);
  } finally {
    await served.stop();
    isolator.close();
  }
});

// The isolator contract, in process, on the real kernel (its sandboxes are on the prjquota filesystem).
isolatorContract(
  "disk/xfs on real XFS",
  async () => {
    const flags = parseFlags(
      diskXfsFlagSpecs,
      ["--enforce_container_disk_quota", "--xfs_kill_containers", "--xfs_project_range=[5600-5699]"],
      {},
    ).values;
    const isolator = createDiskXfsIsolator({ flags, workDir: tempDir("contract-agent"), clock: systemClock, log: silentLogger });
    return { isolator, teardown: () => isolator.close() };
  },
  { resources: { cpus: 0.5, mem: 64 } },
);
