/**
 * The linux/seccomp isolator through real task launches: profiles from --seccomp_config_dir named
 * by a task's SeccompInfo or given as the agent's default, unconfined containers, launches that
 * must fail (both fields, no name, a missing, malformed or escaping profile), the Mesos 1.8 example
 * profile with its capability-conditioned rules for root and non-root tasks, and nested and DEBUG
 * containers that get their own setting. Needs root and a kernel that runs seccomp filters.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { seccompSupported } from "@mesos/linux";
import { agent, type ContainerID, ContainerIDSchema, TaskState, TaskStatus_Reason } from "@mesos/proto";
import { eventually, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";
import type { TestFramework } from "../support/framework.ts";
import { agentApi } from "../support/agent-api.ts";

const EXAMPLE_PROFILE = new URL("../../plugins/linux-seccomp/test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname;
const isRoot = process.getuid?.() === 0;
const support = seccompSupported();
const skip = !isRoot ? "they need root" : !support.supported ? `the kernel cannot run seccomp filters: ${support.reason}` : undefined;
if (skip) console.warn(`SKIPPING linux/seccomp isolator tests: ${skip}`);
const rootTest = test.skipIf(skip !== undefined);

const cleanup = useCleanups();

const rule = (names: string[], action: string, args: object[] = []) => ({ names, action, args, includes: {}, excludes: {} });
const allowAllBut = (...rules: object[]) => ({
  defaultAction: "SCMP_ACT_ALLOW",
  archMap: [
    { architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] },
    { architecture: "SCMP_ARCH_AARCH64", subArchitectures: [] },
  ],
  syscalls: rules,
});

const PROFILES: Record<string, object | string> = {
  "deny-mkdir.json": allowAllBut(rule(["mkdir", "mkdirat"], "SCMP_ACT_ERRNO")),
  "deny-uname.json": allowAllBut(rule(["uname"], "SCMP_ACT_ERRNO")),
  "kill-uname.json": allowAllBut(rule(["uname"], "SCMP_ACT_KILL")),
  // personality(2) only for PER_LINUX (0): any other value is refused.
  "personality-0.json": allowAllBut(rule(["personality"], "SCMP_ACT_ERRNO", [{ index: 0, value: 0, valueTwo: 0, op: "SCMP_CMP_NE" }])),
  "sub/deny-mkdir.json": allowAllBut(rule(["mkdir", "mkdirat"], "SCMP_ACT_ERRNO")),
  "malformed.json": '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOPE"}]}',
};

function configDir(): string {
  const dir = tempDir("seccomp-profiles");
  for (const [name, profile] of Object.entries(PROFILES)) {
    const path = join(dir, name);
    Bun.spawnSync(["mkdir", "-p", dirname(path)]);
    writeFileSync(path, typeof profile === "string" ? profile : JSON.stringify(profile));
  }
  copyFileSync(EXAMPLE_PROFILE, join(dir, "mesos-example.json"));
  return dir;
}

async function cluster(options: { defaultProfile?: string; workDir?: string } = {}) {
  const flags = ["--isolation=linux/seccomp", `--seccomp_config_dir=${configDir()}`, "--http_heartbeat_interval=100ms"];
  if (options.defaultProfile) flags.push(`--seccomp_profile_name=${options.defaultProfile}`);
  if (options.workDir) flags.push(`--work_dir=${options.workDir}`);
  const { agent, fw } = await startTestCluster(cleanup, { agent: { flags } });
  return { agent, fw, api: agentApi(agent.url) };
}

type Seccomp = { profileName?: string; unconfined?: boolean };
interface TaskSpec {
  id: string;
  command: string;
  user?: string;
  seccomp?: Seccomp;
}

const containerWith = (seccomp: Seccomp | undefined) => (seccomp ? { type: 2 /* MESOS */, linuxInfo: { seccomp } } : undefined);

/** Launches the tasks with one offer. */
async function launch(fw: TestFramework, ...tasks: TaskSpec[]): Promise<void> {
  const [offer] = await fw.nextOffers();
  await fw.sub.accept(
    [offer!.id!.value],
    [
      {
        type: 1,
        launch: {
          taskInfos: tasks.map((t) => ({
            name: t.id,
            taskId: { value: t.id },
            agentId: offer!.agentId,
            command: { value: t.command, user: t.user },
            container: containerWith(t.seccomp),
            resources: [
              { name: "cpus", type: 0, scalar: { value: 0.1 } },
              { name: "mem", type: 0, scalar: { value: 32 } },
            ],
          })),
        },
      },
    ],
  );
}

type Cluster = Awaited<ReturnType<typeof cluster>>;
function sandboxFile(c: Cluster, taskId: string, file: string): string {
  const dir = join(
    c.agent.ctx.workDir,
    "slaves",
    c.agent.ctx.info.id!.value,
    "frameworks",
    c.fw.sub.frameworkId,
    "executors",
    taskId,
    "runs",
    "latest",
  );
  return readFileSync(join(dir, file), "utf8");
}

/** Runs one task to TASK_FINISHED and returns its stdout. */
async function run(c: Cluster, task: TaskSpec): Promise<string> {
  await launch(c.fw, task);
  const terminal = [TaskState.TASK_FINISHED, TaskState.TASK_FAILED];
  const done = await eventually(
    () => c.fw.statuses.find((s) => s.taskId?.value === task.id && terminal.includes(s.state)),
    15_000,
    `task ${task.id} to end`,
  );
  if (done.state !== TaskState.TASK_FINISHED)
    throw new Error(`task ${task.id} failed: ${done.message}\nstderr: ${sandboxFileOr(c, task.id, "stderr")}`);
  return sandboxFile(c, task.id, "stdout");
}

function sandboxFileOr(c: Cluster, taskId: string, file: string): string {
  try {
    return sandboxFile(c, taskId, file);
  } catch {
    return "(none)";
  }
}

describe("linux/seccomp: profiles for tasks", () => {
  rootTest("a profile denying mkdir: mkdir fails with EPERM while ls works", async () => {
    const c = await cluster();
    const out = await run(c, {
      id: "no-mkdir",
      command: "mkdir $MESOS_SANDBOX/d; echo rc=$?; ls / > /dev/null && echo ls-ok",
      seccomp: { profileName: "deny-mkdir.json" },
    });
    expect(out).toBe("rc=1\nls-ok\n");
    expect(sandboxFile(c, "no-mkdir", "stderr")).toContain("Operation not permitted");
  });

  rootTest("an argument condition: personality(2) is allowed for PER_LINUX only", async () => {
    const c = await cluster();
    const out = await run(c, {
      id: "personality",
      command: "setarch $(uname -m) true && echo per-linux-ok; setarch $(uname -m) -R true || echo addr-no-randomize-denied",
      seccomp: { profileName: "personality-0.json" },
    });
    expect(out).toBe("per-linux-ok\naddr-no-randomize-denied\n");
    expect(sandboxFile(c, "personality", "stderr")).toContain("Operation not permitted");
  });

  rootTest("SCMP_ACT_KILL kills the task: TASK_FAILED with the signal", async () => {
    const c = await cluster();
    await launch(c.fw, { id: "killed", command: "echo before; exec uname", seccomp: { profileName: "kill-uname.json" } });
    const failed = await c.fw.waitForStatus("killed", TaskState.TASK_FAILED);
    expect(failed.message).toBe("Command terminated with signal Bad system call");
    expect(sandboxFile(c, "killed", "stdout")).toBe("before\n");
  });

  rootTest("the agent's default applies when the container says nothing; unconfined runs unfiltered", async () => {
    const c = await cluster({ defaultProfile: "deny-mkdir.json" });
    const probe = "mkdir $MESOS_SANDBOX/d 2>/dev/null && echo mkdir-ok || echo mkdir-denied";
    await launch(
      c.fw,
      { id: "default", command: probe },
      { id: "unconfined", command: probe, seccomp: { unconfined: true } },
      { id: "named", command: `${probe}; uname > /dev/null || echo uname-denied`, seccomp: { profileName: "deny-uname.json" } },
      { id: "in-subdir", command: probe, seccomp: { profileName: "sub/../sub/deny-mkdir.json" } },
    );
    for (const id of ["default", "unconfined", "named", "in-subdir"]) await c.fw.waitForStatus(id, TaskState.TASK_FINISHED);
    expect(sandboxFile(c, "default", "stdout")).toBe("mkdir-denied\n");
    expect(sandboxFile(c, "unconfined", "stdout")).toBe("mkdir-ok\n");
    expect(sandboxFile(c, "named", "stdout")).toBe("mkdir-ok\nuname-denied\n");
    expect(sandboxFile(c, "in-subdir", "stdout")).toBe("mkdir-denied\n");
  });

  rootTest("launches that must fail: TASK_FAILED naming the profile and the problem", async () => {
    const c = await cluster();
    const cases: [string, Seccomp, RegExp][] = [
      ["both", { profileName: "deny-mkdir.json", unconfined: true }, /both 'profile_name' \('deny-mkdir.json'\) and 'unconfined'/],
      ["empty", {}, /Missing Seccomp profile name/],
      ["empty-name", { profileName: "" }, /Missing Seccomp profile name/],
      ["missing", { profileName: "nope.json" }, /Seccomp profile 'nope.json' not found in --seccomp_config_dir/],
      [
        "malformed",
        { profileName: "malformed.json" },
        /Invalid seccomp profile 'malformed.json': syscalls\[0\]\.action: unknown action 'SCMP_ACT_NOPE'/,
      ],
      ["escape", { profileName: "../../etc/passwd" }, /Seccomp profile name '..\/..\/etc\/passwd' escapes --seccomp_config_dir/],
      ["absolute", { profileName: EXAMPLE_PROFILE }, /is an absolute path/],
    ];
    await launch(c.fw, ...cases.map(([id, seccomp]) => ({ id, command: "echo never", seccomp })));
    for (const [id, , message] of cases) {
      const failed = await c.fw.waitForStatus(id, TaskState.TASK_FAILED);
      expect(failed.reason).toBe(TaskStatus_Reason.CONTAINER_LAUNCH_FAILED);
      expect(failed.message).toContain("Isolator 'linux/seccomp' failed to prepare container");
      expect(failed.message).toMatch(message);
    }
  });
});

describe("linux/seccomp: the Mesos 1.8 example profile", () => {
  rootTest("runs sh -c 'echo ok'; its argument conditions hold", async () => {
    const c = await cluster({ defaultProfile: "mesos-example.json" });
    expect(await run(c, { id: "ok", command: "echo ok" })).toBe("ok\n");
    // personality is allowed for 0, 8, 0x20000, 0x20008 and 0xffffffff only.
    const out = await run(c, {
      id: "arch",
      command: "setarch $(uname -m) true && echo per-linux-ok; setarch $(uname -m) -R true 2>/dev/null || echo denied",
    });
    expect(out).toBe("per-linux-ok\ndenied\n");
  });

  rootTest("capability-conditioned rules: mount and unshare work for a root task, fail for a non-root one", async () => {
    // The user must be able to reach its sandbox: open up the (mkdtemp, 0700) directories above it.
    const workDir = tempDir("agent");
    for (let dir = workDir; dir !== dirname(dir) && dir.startsWith(process.env.MESOS_TEST_TMP!); dir = dirname(dir)) chmodSync(dir, 0o755);
    const c = await cluster({ workDir });
    const example = { profileName: "mesos-example.json" };
    await launch(
      c.fw,
      {
        id: "root",
        seccomp: example,
        command: "unshare -m true && echo unshare-ok; mkdir m && mount -t tmpfs none m && echo mount-ok; grep CapEff /proc/self/status",
      },
      // A user namespace needs no privilege: only the filter can refuse it.
      { id: "nobody", user: "nobody", seccomp: example, command: "unshare -U true || echo unshare-denied; grep -E 'Cap(Eff|Prm)' /proc/self/status" },
      { id: "nobody-unconfined", user: "nobody", seccomp: { unconfined: true }, command: "unshare -U true && echo unshare-ok" },
    );
    for (const id of ["root", "nobody", "nobody-unconfined"]) await c.fw.waitForStatus(id, TaskState.TASK_FINISHED);
    const root = sandboxFile(c, "root", "stdout").split("\n");
    expect(root.slice(0, 2)).toEqual(["unshare-ok", "mount-ok"]);
    expect(root[2]).not.toMatch(/CapEff:\s+0+$/);
    expect(sandboxFile(c, "nobody", "stdout")).toMatch(/^unshare-denied\nCapPrm:\s+0+\nCapEff:\s+0+\n$/);
    expect(sandboxFile(c, "nobody", "stderr")).toContain("Operation not permitted");
    expect(sandboxFile(c, "nobody-unconfined", "stdout")).toBe("unshare-ok\n");
  });
});

describe("linux/seccomp: nested and DEBUG containers", () => {
  const call = (init: Parameters<typeof create<typeof agent.CallSchema>>[1]) => create(agent.CallSchema, init);
  const nested = (parent: ContainerID) => create(ContainerIDSchema, { value: crypto.randomUUID(), parent });

  async function session(c: Cluster, parent: ContainerID, command: string, seccomp?: Seccomp): Promise<string> {
    let out = "";
    const stream = c.api.callOutputStream(
      call({
        type: agent.Call_Type.LAUNCH_NESTED_CONTAINER_SESSION,
        launchNestedContainerSession: { containerId: nested(parent), command: { value: command }, container: containerWith(seccomp) },
      }),
    );
    for await (const r of stream) {
      if (r.type === agent.ProcessIO_Type.DATA && r.data?.type === agent.ProcessIO_Data_Type.STDOUT) out += new TextDecoder().decode(r.data.data);
    }
    return out;
  }

  rootTest("each gets its own profile or the agent default, never the parent's", async () => {
    const c = await cluster({ defaultProfile: "deny-uname.json" });
    const probe = "mkdir d-$$ 2>/dev/null && echo mkdir-ok || echo mkdir-denied; uname > /dev/null 2>&1 && echo uname-ok || echo uname-denied";
    await launch(c.fw, { id: "parent", command: `${probe}; exec sleep 1000`, seccomp: { profileName: "deny-mkdir.json" } });
    const running = await c.fw.waitForStatus("parent", TaskState.TASK_RUNNING);
    const parent = running.containerStatus!.containerId!;
    // A DEBUG container (task exec) with nothing said: the agent default, not the parent's profile.
    expect(await session(c, parent, probe)).toBe("mkdir-ok\nuname-denied\n");
    expect(await session(c, parent, probe, { profileName: "deny-mkdir.json" })).toBe("mkdir-denied\nuname-ok\n");
    expect(await session(c, parent, probe, { unconfined: true })).toBe("mkdir-ok\nuname-ok\n");
    // A plain nested container (LAUNCH_NESTED_CONTAINER) is decided the same way.
    const id = nested(parent);
    await c.api.call(
      call({
        type: agent.Call_Type.LAUNCH_NESTED_CONTAINER,
        launchNestedContainer: { containerId: id, command: { value: "uname > /dev/null 2>&1 && exit 3 || exit 4" } },
      }),
    );
    const waited = await c.api.call(call({ type: agent.Call_Type.WAIT_NESTED_CONTAINER, waitNestedContainer: { containerId: id } }));
    expect(waited.waitNestedContainer!.exitStatus).toBe(4 << 8);
    expect(sandboxFile(c, "parent", "stdout")).toBe("mkdir-denied\nuname-ok\n");
    // A launch failure of a nested container is the caller's error, with the isolator's reason.
    await expect(session(c, parent, "true", { profileName: "nope.json" })).rejects.toThrow(/Seccomp profile 'nope.json' not found/);
  });

  rootTest("task group members: each its own profile, or the default", async () => {
    const c = await cluster({ defaultProfile: "deny-uname.json" });
    const probe = "mkdir d 2>/dev/null && echo mkdir-ok || echo mkdir-denied; uname > /dev/null 2>&1 && echo uname-ok || echo uname-denied";
    const [offer] = await c.fw.nextOffers();
    const member = (id: string, seccomp?: Seccomp) => ({
      name: id,
      taskId: { value: id },
      agentId: offer!.agentId,
      command: { value: probe },
      container: containerWith(seccomp),
      resources: [
        { name: "cpus", type: 0, scalar: { value: 0.1 } },
        { name: "mem", type: 0, scalar: { value: 32 } },
      ],
    });
    await c.fw.sub.accept(
      [offer!.id!.value],
      [
        {
          type: 6, // LAUNCH_GROUP
          launchGroup: {
            executor: {
              type: 1,
              executorId: { value: "group" },
              resources: [
                { name: "cpus", type: 0, scalar: { value: 0.1 } },
                { name: "mem", type: 0, scalar: { value: 32 } },
                { name: "disk", type: 0, scalar: { value: 10 } },
              ],
            },
            taskGroup: {
              tasks: [member("m-default"), member("m-named", { profileName: "deny-mkdir.json" }), member("m-unconfined", { unconfined: true })],
            },
          },
        },
      ],
    );
    for (const id of ["m-default", "m-named", "m-unconfined"]) await c.fw.waitForStatus(id, TaskState.TASK_FINISHED);
    const executor = join(
      c.agent.ctx.workDir,
      "slaves",
      c.agent.ctx.info.id!.value,
      "frameworks",
      c.fw.sub.frameworkId,
      "executors",
      "group",
      "runs",
      "latest",
    );
    const out = (id: string) => readFileSync(join(executor, "tasks", id, "stdout"), "utf8");
    expect(out("m-default")).toBe("mkdir-ok\nuname-denied\n");
    expect(out("m-named")).toBe("mkdir-denied\nuname-ok\n");
    expect(out("m-unconfined")).toBe("mkdir-ok\nuname-ok\n");
  });
});
