/**
 * Container volumes on the compiled binary (a master and an agent as processes, a real registry
 * for images): HOST_PATH volumes read-write and read-only (a write gets EROFS), relative and
 * absolute container paths, with and without an image's root filesystem;
 * `--host_path_volume_force_creation` inside and outside its allow-list, `..` and symlink escapes;
 * inline secrets on a tmpfs (a reference fails clearly); a persistent volume inside an image
 * container; no mount left on the host after 100 launches. Root only (the linux launcher).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { busyboxLayer, testImage } from "@mesos/images/testing";
import { MNT_DETACH, makeSharedMount, readMountTable, umount2 } from "@mesos/linux";
import {
  type ContainerInfoSchema,
  ContainerInfo_Type,
  MountPropagation_Mode,
  type Offer,
  Image_Type,
  type Offer_OperationSchema,
  type ResourceSchema,
  Secret_Type,
  TaskState,
  Value_Type,
  type VolumeSchema,
  Volume_Mode,
  Volume_Source_Type,
} from "@mesos/proto";
import { type Daemon, runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";
import { eventually, tempDir } from "../support/cluster.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.ts";

type VolumeInit = MessageInitShape<typeof VolumeSchema>;
type ResourceInit = MessageInitShape<typeof ResourceSchema>;

const isRoot = process.getuid?.() === 0;
let reg: TestRegistry;
let agent: Daemon;
let agentArgs: string[];
let agentDir: string;
let allowed: string;
let fw: TestFramework;
let taskCount = 0;
let masterAddress: string;
let agentUrl: string;

async function agentCall(body: object): Promise<Record<string, { containers?: unknown[] }>> {
  const res = await fetch(`${agentUrl}/api/v1`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, { containers?: unknown[] }>;
}

const TERMINAL = [TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_ERROR, TaskState.TASK_LOST];
const scalar = (name: string, value: number, role?: string) =>
  ({
    name,
    type: Value_Type.SCALAR,
    scalar: { value },
    reservations: role ? [{ type: 2, role, principal: "ops" }] : [],
  }) satisfies ResourceInit;
const hostPath = (path: string, containerPath: string, mode = Volume_Mode.RW): VolumeInit => ({
  mode,
  containerPath,
  source: { type: Volume_Source_Type.HOST_PATH, hostPath: { path } },
});
const secret = (data: string, containerPath: string, mode = Volume_Mode.RO): VolumeInit => ({
  mode,
  containerPath,
  source: { type: Volume_Source_Type.SECRET, secret: { type: Secret_Type.VALUE, value: { data: new TextEncoder().encode(data) } } },
});
const mesos = (volumes: VolumeInit[], image?: string): MessageInitShape<typeof ContainerInfoSchema> => ({
  type: ContainerInfo_Type.MESOS,
  volumes,
  mesos: image ? { image: { type: Image_Type.DOCKER, docker: { name: image } } } : undefined,
});

interface TaskSpec {
  id?: string;
  command: string;
  user?: string;
  container?: MessageInitShape<typeof ContainerInfoSchema>;
  resources?: ResourceInit[];
}

/** Leftovers of earlier launches come as offers of their own: takes one big enough, declines the rest. */
async function takeOffer(): Promise<Offer> {
  const cpus = (o: Offer) => o.resources.filter((r) => r.name === "cpus").reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
  for (;;) {
    const offers = await fw.nextOffers(30_000);
    const offer = offers.find((o) => cpus(o) >= 2);
    const others = offers.filter((o) => o !== offer).map((o) => o.id!.value);
    if (others.length > 0) await fw.sub.decline(others, 0);
    if (offer) return offer;
  }
}

/** Launches the tasks on one offer (after `before` operations, e.g. RESERVE and CREATE); returns their ids. */
async function launch(tasks: TaskSpec[], before: MessageInitShape<typeof Offer_OperationSchema>[] = []): Promise<string[]> {
  const offer = await takeOffer();
  const ids = tasks.map((t) => t.id ?? `t${++taskCount}`);
  const taskInfos = tasks.map((t, i) => ({
    name: ids[i]!,
    taskId: { value: ids[i]! },
    agentId: offer.agentId,
    command: { value: t.command, user: t.user },
    container: t.container,
    resources: t.resources ?? [scalar("cpus", 0.05), scalar("mem", 16)],
  }));
  await fw.sub.accept([offer.id!.value], [...before, { type: 1, launch: { taskInfos } }], 0);
  return ids;
}

async function ended(taskId: string, timeoutMs = 60_000) {
  return (await eventually(
    () => fw.statuses.find((s) => s.taskId?.value === taskId && TERMINAL.includes(s.state)),
    timeoutMs,
    `task ${taskId} to end`,
  ))!;
}

async function run(spec: TaskSpec): Promise<{ state: string; message: string; stdout: string }> {
  const [id] = await launch([spec]);
  const status = await ended(id!);
  const stdout = status.state === TaskState.TASK_FINISHED || status.state === TaskState.TASK_FAILED ? sandboxFile(id!, "stdout") : "";
  return { state: TaskState[status.state], message: status.message, stdout };
}

function sandboxFile(task: string, file: string): string {
  const found = [...new Bun.Glob(`slaves/*/frameworks/*/executors/${task}/runs/latest/${file}`).scanSync({ cwd: agentDir, followSymlinks: true })];
  return found[0] ? readFileSync(join(agentDir, found[0]), "utf8") : "";
}

/** Mounts on the host that a container may have left: anything under the agent's or the tests' directories. */
function leftoverMounts(...dirs: string[]): string[] {
  return readMountTable()
    .map((m) => m.target)
    .filter((t) => dirs.some((d) => t === d || t.startsWith(`${d}/`)));
}

beforeAll(async () => {
  if (!isRoot) return;
  reg = await startRegistry();
  await pushImage(reg, "vol/busybox", "1", testImage([busyboxLayer()], { config: { Env: ["PATH=/bin"] } }));
  const master = startDaemon(["master", `--work_dir=${tempDir("master")}`, "--port=0"]);
  const [, address] = (await master.waitFor(/listening on http:\/\/([\d.]+:\d+)/)) as unknown as [string, string];
  masterAddress = address;
  agentDir = tempDir("agent");
  allowed = tempDir("allowed");
  agentArgs = [
    "agent",
    `--master=${address}`,
    `--work_dir=${agentDir}`,
    "--port=0",
    "--resources=cpus:8;mem:8192;disk:1024",
    "--registration_backoff_factor=10ms",
    "--launcher=linux",
    "--isolation=filesystem/linux,docker/runtime,volume/host_path,volume/sandbox_path,volume/secret",
    `--host_path_volume_force_creation=${join(tempDir("unused"), "x")}:${allowed}`,
    "--image_providers=docker",
    `--docker_registry=${reg.url}`,
    `--docker_store_dir=${tempDir("store")}`,
  ];
  agent = startDaemon(agentArgs);
  agentUrl = (await agent.waitFor(/Agent listening on (http:\/\/[\d.]+:\d+)/))[1]!;
  await agent.waitFor(/Registered with master/);
  // SHARED_RESOURCES (4), for shared volumes.
  fw = await startTestFramework(`http://${address}`, { role: "db", principal: "ops", checkpoint: true, capabilities: [{ type: 4 }] });
}, 60_000);
/** Mounts a test made on the host on purpose, removed at the end. */
const cleanupMounts: string[] = [];
afterAll(async () => {
  fw?.close();
  await stopAllDaemons();
  for (const dir of cleanupMounts) {
    for (const point of leftoverMounts(dir).sort((a, b) => b.length - a.length)) umount2(point, MNT_DETACH);
  }
});

describe.skipIf(!isRoot)("container volumes (root: the linux launcher)", () => {
  test("HOST_PATH read-write and read-only, relative container paths, no rootfs: a write to the RO one gets EROFS", async () => {
    const rw = tempDir("rw");
    const ro = tempDir("ro");
    writeFileSync(join(ro, "in"), "read me\n");
    const r = await run({
      command: 'echo written > rw/out && cat ro/in && if echo x > ro/new; then echo "wrote ro"; fi',
      container: mesos([hostPath(rw, "rw"), hostPath(ro, "ro", Volume_Mode.RO)]),
    });
    expect(r.state).toBe("TASK_FINISHED");
    expect(r.stdout).toBe("read me\n");
    expect(readFileSync(join(rw, "out"), "utf8")).toBe("written\n");
    expect(existsSync(join(ro, "new"))).toBe(false);
  }, 60_000);

  test("in an image's rootfs: an absolute container path inside it, a relative one under /mnt/mesos/sandbox", async () => {
    const rw = tempDir("rw");
    const ro = tempDir("ro");
    writeFileSync(join(ro, "in"), "from the host\n");
    const r = await run({
      command: "echo in-image > /data/out; cat /mnt/mesos/sandbox/conf/in; touch /mnt/mesos/sandbox/conf/x 2>&1; test -e /bin/busybox && echo rootfs",
      container: mesos([hostPath(rw, "/data"), hostPath(ro, "conf", Volume_Mode.RO)], "vol/busybox:1"),
    });
    expect(r.state).toBe("TASK_FINISHED");
    expect(r.stdout).toContain("from the host\n");
    expect(r.stdout).toContain("Read-only file system");
    expect(r.stdout).toContain("rootfs\n");
    expect(readFileSync(join(rw, "out"), "utf8")).toBe("in-image\n");
  }, 120_000);

  test("BIDIRECTIONAL propagation: a mount the task makes in the volume appears on the host; without a shared mount the launch fails", async () => {
    const base = tempDir("bidi");
    const shared = join(base, "shared");
    mkdirSync(shared);
    makeSharedMount(shared);
    cleanupMounts.push(base);
    const bidirectional = (path: string): VolumeInit => ({
      mode: Volume_Mode.RW,
      containerPath: "bidi",
      source: { type: Volume_Source_Type.HOST_PATH, hostPath: { path, mountPropagation: { mode: MountPropagation_Mode.BIDIRECTIONAL } } },
    });
    const r = await run({
      command: "mkdir -p bidi/m && mount -t tmpfs tmpfs bidi/m && echo through > bidi/m/f && cat bidi/m/f",
      container: mesos([bidirectional(shared)]),
    });
    expect(r.state).toBe("TASK_FINISHED");
    expect(r.stdout).toBe("through\n");
    // The container is gone; its tmpfs is still mounted on the host, where it propagated.
    expect(readFileSync(join(shared, "m", "f"), "utf8")).toBe("through\n");
    expect(leftoverMounts(base)).toEqual([shared, join(shared, "m")]);

    const plain = tempDir("not-shared");
    const refused = await run({ command: "true", container: mesos([bidirectional(plain)]) });
    expect(refused.state).toBe("TASK_FAILED");
    expect(refused.message).toContain(`Cannot setup bidirectional mount propagation for host path '${plain}' because it is not under a shared mount`);
  }, 60_000);

  test("--host_path_volume_force_creation: created inside the allow-list; outside it, through '..' or a symlink: the launch fails", async () => {
    const inside = join(allowed, "new", "deep");
    const ok = await run({ command: "echo made > v/f", container: mesos([hostPath(inside, "v")]) });
    expect(ok.state).toBe("TASK_FINISHED");
    expect(readFileSync(join(inside, "f"), "utf8")).toBe("made\n");

    const elsewhere = tempDir("elsewhere");
    const outside = join(elsewhere, "x");
    const out = await run({ command: "true", container: mesos([hostPath(outside, "v")]) });
    expect(out.state).toBe("TASK_FAILED");
    expect(out.message).toContain(`Path '${outside}' in HOST_PATH volume does not exist and is not whitelisted for creation`);
    expect(out.message).toContain(`--host_path_volume_force_creation=`);

    const dotdot = join(allowed, "..", "escaped");
    const up = await run({ command: "true", container: mesos([hostPath(dotdot, "v")]) });
    expect(up.state).toBe("TASK_FAILED");
    expect(up.message).toContain("is not whitelisted for creation");
    expect(existsSync(join(allowed, "..", "escaped"))).toBe(false);

    symlinkSync(elsewhere, join(allowed, "link"));
    const link = await run({ command: "true", container: mesos([hostPath(join(allowed, "link", "y"), "v")]) });
    expect(link.state).toBe("TASK_FAILED");
    expect(link.message).toContain(`'${join(allowed, "link")}' resolves to '${elsewhere}', outside the whitelisted directory '${allowed}'`);
    expect(existsSync(join(elsewhere, "y"))).toBe(false);
  }, 60_000);

  test("an inline secret is a file on a tmpfs, read-only, with or without a rootfs; a reference secret fails clearly", async () => {
    const plain = await run({
      command: "cat secrets/token; echo; grep -c ' tmpfs ' /proc/self/mountinfo >/dev/null && echo on-tmpfs; echo x > secrets/token || echo refused",
      container: mesos([secret("s3cr3t-value", "secrets/token")]),
    });
    expect(plain.state).toBe("TASK_FINISHED");
    expect(plain.stdout).toStartWith("s3cr3t-value\non-tmpfs\n");
    expect(plain.stdout).toContain("refused");
    const nobody = await run({ command: "id -un; cat secrets/token", user: "nobody", container: mesos([secret("for nobody", "secrets/token")]) });
    expect(nobody.state).toBe("TASK_FINISHED");
    expect(nobody.stdout).toBe("nobody\nfor nobody");
    const image = await run({ command: "cat /run/app/key", container: mesos([secret("in-image", "/run/app/key")], "vol/busybox:1") });
    expect(image.state).toBe("TASK_FINISHED");
    expect(image.stdout).toBe("in-image");
    // The secret reached neither a launch description nor a file left behind in the runtime directory.
    const grep = Bun.spawnSync(["grep", "-rl", "s3cr3t-value", join(agentDir, "runtime")]);
    expect(grep.stdout.toString()).toBe("");
    expect(readdirSync(join(agentDir, "runtime", ".secret"))).toEqual([]);

    const [id] = await launch([
      {
        command: "true",
        container: mesos([
          {
            mode: Volume_Mode.RO,
            containerPath: "x",
            source: { type: Volume_Source_Type.SECRET, secret: { type: Secret_Type.REFERENCE, reference: { name: "db/password" } } },
          },
        ]),
      },
    ]);
    const status = await ended(id!);
    expect(TaskState[status.state]).toBe("TASK_FAILED");
    expect(status.message).toContain("Default secret resolver cannot resolve references");
    expect(status.message).toContain("'db/password'");
  }, 120_000);

  test("a persistent volume inside an image container is a bind mount that the task writes through", async () => {
    const volume: ResourceInit = {
      ...scalar("disk", 16, "db"),
      disk: { persistence: { id: "pv1", principal: "ops" }, volume: { containerPath: "data", mode: Volume_Mode.RW } },
    };
    const [id] = await launch(
      [
        {
          command: "echo kept > /mnt/mesos/sandbox/data/f && grep -q ' /mnt/mesos/sandbox/data ' /proc/self/mountinfo && echo mounted",
          container: mesos([], "vol/busybox:1"),
          resources: [scalar("cpus", 0.1, "db"), scalar("mem", 32, "db"), volume],
        },
      ],
      [
        { type: 2, reserve: { resources: [scalar("cpus", 0.1, "db"), scalar("mem", 32, "db"), scalar("disk", 16, "db")] } },
        { type: 4, create: { volumes: [volume] } },
      ],
    );
    const status = await ended(id!, 120_000);
    expect(TaskState[status.state]).toBe("TASK_FINISHED");
    expect(sandboxFile(id!, "stdout")).toBe("mounted\n");
    expect(readFileSync(join(agentDir, "volumes", "roles", "db", "pv1", "f"), "utf8")).toBe("kept\n");
  }, 120_000);

  test("a shared persistent volume: one task writes, another (in an image) reads it read-only, both at once", async () => {
    const shared = (mode: Volume_Mode): ResourceInit => ({
      ...scalar("disk", 8, "db"),
      disk: { persistence: { id: "common", principal: "ops" }, volume: { containerPath: "common", mode } },
      shared: {},
    });
    const go = join(tempDir("go"), "flag");
    const [writer] = await launch(
      [
        {
          command: `echo shared > common/f; while [ ! -e ${go} ]; do sleep 0.05; done`,
          resources: [scalar("cpus", 0.05, "db"), scalar("mem", 16, "db"), shared(Volume_Mode.RW)],
        },
      ],
      [
        { type: 2, reserve: { resources: [scalar("cpus", 0.1, "db"), scalar("mem", 32, "db"), scalar("disk", 8, "db")] } },
        { type: 4, create: { volumes: [shared(Volume_Mode.RW)] } },
      ],
    );
    await fw.waitForStatus(writer!, TaskState.TASK_RUNNING, 60_000);
    const [reader] = await launch([
      {
        command: "cat /mnt/mesos/sandbox/common/f; touch /mnt/mesos/sandbox/common/g 2>&1",
        container: mesos([], "vol/busybox:1"),
        resources: [scalar("cpus", 0.05, "db"), scalar("mem", 16, "db"), shared(Volume_Mode.RO)],
      },
    ]);
    const status = await ended(reader!);
    expect(TaskState[status.state]).toBe("TASK_FAILED"); // touch's exit status
    expect(sandboxFile(reader!, "stdout")).toStartWith("shared\n");
    expect(sandboxFile(reader!, "stdout")).toContain("Read-only file system");
    writeFileSync(go, "");
    expect(TaskState[(await ended(writer!)).state]).toBe("TASK_FINISHED");
    expect(existsSync(join(agentDir, "volumes", "roles", "db", "common", "g"))).toBe(false);
  }, 120_000);

  test("SANDBOX_PATH: PARENT shares the executor's sandbox between the tasks of a group; SELF maps the task's own into its rootfs", async () => {
    const parent = (path: string): VolumeInit => ({
      mode: Volume_Mode.RW,
      containerPath: path,
      source: { type: Volume_Source_Type.SANDBOX_PATH, sandboxPath: { type: 2, path } },
    });
    const offer = await takeOffer();
    const task = (id: string, command: string) => ({
      name: id,
      taskId: { value: id },
      agentId: offer.agentId,
      command: { value: command },
      container: mesos([parent("shared")]),
      resources: [scalar("cpus", 0.05), scalar("mem", 16)],
    });
    await fw.sub.accept(
      [offer.id!.value],
      [
        {
          type: 6, // LAUNCH_GROUP
          launchGroup: {
            executor: { type: 1, executorId: { value: "group" }, resources: [scalar("cpus", 0.1), scalar("mem", 32), scalar("disk", 8)] },
            taskGroup: {
              tasks: [
                task("writer", "echo from-the-writer > shared/note"),
                task("reader", "while [ ! -s shared/note ]; do sleep 0.05; done; cat shared/note"),
              ],
            },
          },
        },
      ],
      0,
    );
    for (const id of ["writer", "reader"]) expect(TaskState[(await ended(id)).state]).toBe("TASK_FINISHED");
    const [note] = [
      ...new Bun.Glob("slaves/*/frameworks/*/executors/group/runs/latest/shared/note").scanSync({ cwd: agentDir, followSymlinks: true }),
    ];
    expect(readFileSync(join(agentDir, note!), "utf8")).toBe("from-the-writer\n");
    const reader = [
      ...new Bun.Glob("slaves/*/frameworks/*/executors/group/runs/latest/tasks/reader/stdout").scanSync({ cwd: agentDir, followSymlinks: true }),
    ];
    expect(readFileSync(join(agentDir, reader[0]!), "utf8")).toBe("from-the-writer\n");

    const self: VolumeInit = {
      mode: Volume_Mode.RW,
      containerPath: "/work",
      source: { type: Volume_Source_Type.SANDBOX_PATH, sandboxPath: { type: 1, path: "work" } },
    };
    const [id] = await launch([{ command: "echo self > /work/f", container: mesos([self], "vol/busybox:1") }]);
    expect(TaskState[(await ended(id!)).state]).toBe("TASK_FINISHED");
    expect(sandboxFile(id!, "work/f")).toBe("self\n");
  }, 120_000);

  test("a DEBUG container (task exec) sees its parent's volumes but cannot add a HOST_PATH volume of its own", async () => {
    const rw = tempDir("debug");
    writeFileSync(join(rw, "f"), "parent's volume\n");
    const [id] = await launch([{ command: "exec sleep 1000", container: mesos([hostPath(rw, "rw")]) }]);
    await fw.waitForStatus(id!, TaskState.TASK_RUNNING, 60_000);
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tempDir("home"), MESOS_MASTER: masterAddress };
    const exec = await runMesos(["task", "exec", id!, "--", "cat", "rw/f"], 60_000, { env });
    expect(exec.stderr).toBe("");
    expect(exec.stdout).toBe("parent's volume\n");

    const containerId = await eventually(
      async () => {
        const r = await agentCall({ type: "GET_CONTAINERS" });
        const found = (r.get_containers?.containers ?? []) as { container_id: { value: string }; executor_id?: { value: string } }[];
        return found.find((c) => c.executor_id?.value === id)?.container_id.value;
      },
      10_000,
      "the task's container",
    );
    const res = await fetch(`${agentUrl}/api/v1`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/recordio" },
      body: JSON.stringify({
        type: "LAUNCH_NESTED_CONTAINER_SESSION",
        launch_nested_container_session: {
          container_id: { value: "dbg", parent: { value: containerId } },
          command: { value: "true" },
          container: { type: "MESOS", volumes: [{ mode: "RW", container_path: "x", source: { type: "HOST_PATH", host_path: { path: rw } } }] },
        },
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("A DEBUG container cannot have HOST_PATH volumes");
    await fw.sub.kill(id!);
    await ended(id!);
  }, 120_000);

  test("100 launches with volumes leave no mount behind on the host", async () => {
    const rw = tempDir("many");
    for (let batch = 0; batch < 5; batch++) {
      const ids = await launch(
        Array.from({ length: 20 }, (_, i) => ({
          command: `echo ${batch}-${i} > rw/${batch}-${i} && cat token >/dev/null`,
          container: mesos([hostPath(rw, "rw"), secret("t", "token")]),
        })),
      );
      for (const id of ids) expect(TaskState[(await ended(id)).state]).toBe("TASK_FINISHED");
    }
    expect(readdirSync(rw)).toHaveLength(100);
    expect(leftoverMounts(agentDir, rw, allowed)).toEqual([]);
    expect(readdirSync(join(agentDir, "runtime", ".secret"))).toEqual([]);
  }, 300_000);

  test("an agent restart keeps a running container with volumes; it still sees them and finishes", async () => {
    const rw = tempDir("restart");
    const go = join(tempDir("go"), "flag");
    const [id] = await launch([
      {
        command: `echo before > rw/before; while [ ! -e ${go} ]; do sleep 0.05; done; cat rw/after`,
        container: mesos([hostPath(rw, "rw")]),
      },
    ]);
    await fw.waitForStatus(id!, TaskState.TASK_RUNNING, 60_000);
    await eventually(() => existsSync(join(rw, "before")), 10_000, "the task to write through its volume");
    expect(await agent.kill("SIGKILL")).not.toBe(0);
    agent = startDaemon(agentArgs);
    await agent.waitFor(/Registered with master/);
    await agent.waitFor(/Recovered \d+ tasks and \d+ containers/);
    writeFileSync(join(rw, "after"), "seen after the restart\n");
    mkdirSync(join(go, ".."), { recursive: true });
    writeFileSync(go, "");
    const status = await ended(id!);
    expect(TaskState[status.state]).toBe("TASK_FINISHED");
    expect(sandboxFile(id!, "stdout")).toBe("seen after the restart\n");
    expect(leftoverMounts(agentDir, rw)).toEqual([]);
  }, 120_000);
});
