/**
 * What the linux launcher and the launch helper build, seen from inside the task: PID 1 (that
 * reaps), a mount namespace of its own, mounts and a root filesystem from isolators, the user
 * switch, a seccomp filter from the launch description, and clear failures for launch
 * descriptions the helper cannot apply. Needs root.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { TaskState, TaskStatus_Reason } from "@mesos/proto";
import type { IsolatorFactory } from "@mesos/agent";
import type { LaunchInfoInit } from "@mesos/plugin-api";
import { eventually, tempDir, testCgroupsRoot } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";
import type { TestFramework } from "../support/framework.ts";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("SKIPPING linux launcher tests: they need root");
const rootTest = test.skipIf(!isRoot);

const cleanup = useCleanups();

/** An isolator whose prepare returns a fixed launch description. */
const describing =
  (name: string, info: LaunchInfoInit): IsolatorFactory =>
  () => ({ name, prepare: async () => info });

function cluster(flags: string[] = [], isolators: Record<string, IsolatorFactory> = {}) {
  return startTestCluster(cleanup, { agent: { flags, isolators } });
}

async function launch(fw: TestFramework, taskId: string, command: string, extra: { user?: string } = {}) {
  await fw.launch(taskId, command, { user: extra.user });
}

function sandboxFile(agent: Awaited<ReturnType<typeof cluster>>["agent"], fw: TestFramework, taskId: string, file: string): string {
  const dir = join(agent.ctx.workDir, "slaves", agent.ctx.info.id!.value, "frameworks", fw.sub.frameworkId, "executors", taskId, "runs", "latest");
  return readFileSync(join(dir, file), "utf8");
}

describe("the linux launcher", () => {
  rootTest("the task runs under the helper, which is PID 1 of the container and reaps orphans", async () => {
    const { agent, fw } = await cluster();
    // An orphan (the inner sh exits at once) is re-parented to PID 1, which must reap it.
    await launch(
      fw,
      "pid1",
      `echo "self=$$"; tr '\\0' ' ' < /proc/1/cmdline; echo; sh -c 'sleep 0.2 &'; sleep 0.6; ` +
        `z=0; for s in /proc/[0-9]*/stat; do case "$(cut -d' ' -f3 $s 2>/dev/null)" in Z) z=$((z+1));; esac; done; echo "zombies=$z"`,
    );
    await fw.waitForStatus("pid1", TaskState.TASK_FINISHED);
    const out = sandboxFile(agent, fw, "pid1", "stdout").split("\n");
    expect(out[0]).toMatch(/^self=\d+$/);
    expect(out[0]).not.toBe("self=1");
    expect(out[1]).toMatch(/__launch --(launch_info=|prestarted)/);
    expect(out[2]).toBe("zombies=0");
  });

  rootTest("the container has its own mount namespace: its mounts do not reach the host", async () => {
    const target = join(tempDir("mnt"), "scratch");
    const { agent, fw } = await cluster(["--isolation=test/tmpfs"], {
      "test/tmpfs": describing("test/tmpfs", { mounts: [{ type: 2, target, options: "size=1m" }] }),
    });
    await launch(fw, "mounts", `grep -c ' ${target} tmpfs' /proc/mounts; echo data > ${target}/file`);
    await fw.waitForStatus("mounts", TaskState.TASK_FINISHED);
    expect(sandboxFile(agent, fw, "mounts", "stdout")).toBe("1\n");
    expect(existsSync(join(target, "file"))).toBe(false);
    expect(readFileSync("/proc/self/mounts", "utf8")).not.toContain(target);
  });

  rootTest("a root filesystem from an isolator: the task sees only it, with its sandbox at /mnt/mesos/sandbox", async () => {
    const rootfs = tempDir("rootfs");
    for (const d of ["usr", "etc", "tmp"]) mkdirSync(join(rootfs, d));
    for (const [link, to] of [
      ["bin", "usr/bin"],
      ["lib", "usr/lib"],
      ["lib64", "usr/lib64"],
      ["sbin", "usr/sbin"],
    ])
      symlinkSync(to!, join(rootfs, link!));
    writeFileSync(join(rootfs, "etc", "marker"), "inside the rootfs\n");
    const { agent, fw } = await cluster(["--isolation=test/rootfs"], {
      "test/rootfs": describing("test/rootfs", { rootfs, mounts: [{ type: 1, source: "/usr", target: join(rootfs, "usr"), readOnly: true }] }),
    });
    await launch(
      fw,
      "rooted",
      "cat /etc/marker; pwd; echo $MESOS_SANDBOX; ls / | tr '\\n' ' '; echo; echo written > $MESOS_SANDBOX/proof; ls /dev | tr '\\n' ' '",
    );
    await fw.waitForStatus("rooted", TaskState.TASK_FINISHED);
    const out = sandboxFile(agent, fw, "rooted", "stdout").split("\n");
    expect(out.slice(0, 3)).toEqual(["inside the rootfs", "/mnt/mesos/sandbox", "/mnt/mesos/sandbox"]);
    expect(out[3]!.trim().split(" ").sort()).toEqual(["bin", "dev", "etc", "lib", "lib64", "mnt", "proc", "sbin", "tmp", "usr"]);
    expect(sandboxFile(agent, fw, "rooted", "proof")).toBe("written\n");
    expect(out[4]!.trim().split(" ").sort()).toEqual([
      "fd",
      "full",
      "null",
      "ptmx",
      "pts",
      "random",
      "shm",
      "stderr",
      "stdin",
      "stdout",
      "tty",
      "urandom",
      "zero",
    ]);
  });

  rootTest("the task runs as CommandInfo.user, which owns its sandbox", async () => {
    // The user must be able to reach its sandbox: open up the (mkdtemp, 0700) directories above it.
    const workDir = tempDir("agent");
    for (let dir = workDir; dir !== dirname(dir) && dir.startsWith(process.env.MESOS_TEST_TMP!); dir = dirname(dir)) chmodSync(dir, 0o755);
    const { agent, fw } = await cluster([`--work_dir=${workDir}`]);
    await launch(fw, "nobody", "id -u; id -g; id -G; echo mine > $MESOS_SANDBOX/file && echo wrote", { user: "nobody" });
    await fw.waitForStatus("nobody", TaskState.TASK_FINISHED);
    expect(sandboxFile(agent, fw, "nobody", "stdout")).toBe("65534\n65534\n65534\nwrote\n");
  });

  rootTest("rlimits from the launch description apply to the task", async () => {
    const { agent, fw } = await cluster(["--isolation=test/rlimits"], {
      "test/rlimits": describing("test/rlimits", {
        rlimits: { rlimits: [{ type: 10 /* NOFILE */, soft: 64n, hard: 128n }, { type: 2 /* CORE */ }] },
      }),
    });
    await launch(fw, "limited", "ulimit -n; ulimit -Hn; ulimit -c");
    await fw.waitForStatus("limited", TaskState.TASK_FINISHED);
    expect(sandboxFile(agent, fw, "limited", "stdout")).toBe("64\n128\nunlimited\n");
  });

  rootTest("a seccomp filter in the launch description is installed before the task execs", async () => {
    // Hand-assembled: uname -> EPERM, everything else allowed (native architecture only).
    const x64 = process.arch === "x64";
    const program = encode([
      [0x20, 0, 0, 4],
      [0x15, 0, 3, x64 ? 0xc000003e : 0xc00000b7],
      [0x20, 0, 0, 0],
      [0x15, 1, 0, x64 ? 63 : 160],
      [0x06, 0, 0, 0x7fff0000],
      [0x06, 0, 0, 0x00050001],
    ]);
    const { agent, fw } = await cluster(["--isolation=test/seccomp"], { "test/seccomp": describing("test/seccomp", { seccompFilter: program }) });
    await launch(fw, "filtered", "echo before; uname || echo uname-denied");
    await fw.waitForStatus("filtered", TaskState.TASK_FINISHED);
    expect(sandboxFile(agent, fw, "filtered", "stdout")).toBe("before\nuname-denied\n");
    expect(sandboxFile(agent, fw, "filtered", "stderr")).toContain("Operation not permitted");
  });
});

describe("launch descriptions the helper cannot apply", () => {
  rootTest("a bind mount of a missing path: TASK_FAILED naming the step, and nothing left running", async () => {
    const { agent, fw } = await cluster(["--isolation=test/bad-mount"], {
      "test/bad-mount": describing("test/bad-mount", { mounts: [{ type: 1, source: "/no/such/path", target: "/mnt/x" }] }),
    });
    await launch(fw, "bad", "echo never");
    const failed = await fw.waitForStatus("bad", TaskState.TASK_FAILED);
    expect(failed.reason).toBe(TaskStatus_Reason.CONTAINER_LAUNCH_FAILED);
    expect(failed.message).toContain("bind-mounting /no/such/path on /mnt/x");
    expect(failed.message).toContain("ENOENT");
    await eventually(() => agent.ctx.containerizer.keys().length === 0, 5000, "the failed container to be forgotten");
    const containers = join(agent.ctx.runtimeDir, "containers");
    expect(existsSync(containers) ? readdirSync(containers) : []).toEqual([]);
  });

  rootTest("a program that does not exist: TASK_FAILED saying so", async () => {
    const { fw } = await cluster();
    const [offer] = await fw.nextOffers();
    await fw.sub.accept(
      [offer!.id!.value],
      [
        {
          type: 1,
          launch: {
            taskInfos: [
              {
                name: "x",
                taskId: { value: "missing" },
                agentId: offer!.agentId,
                command: { value: "/no/such/program", shell: false },
                resources: [{ name: "cpus", type: 0, scalar: { value: 0.1 } }],
              },
            ],
          },
        },
      ],
    );
    const failed = await fw.waitForStatus("missing", TaskState.TASK_FAILED);
    expect(failed.message).toMatch(/^Failed to launch container: executing '\/no\/such\/program': .*(ENOENT|No such file)/);
  });

  rootTest("two isolators setting the same thing: TASK_FAILED naming both", async () => {
    const { fw } = await cluster(["--isolation=test/one,test/two"], {
      "test/one": describing("test/one", { hostname: "one" }),
      "test/two": describing("test/two", { hostname: "two" }),
    });
    await launch(fw, "clash", "true");
    const failed = await fw.waitForStatus("clash", TaskState.TASK_FAILED);
    expect(failed.message).toContain("isolators 'test/one' and 'test/two' both set the hostname");
  });

  rootTest("a hostname without a UTS namespace of its own: TASK_FAILED naming the step", async () => {
    const { fw } = await cluster(["--isolation=test/host"], { "test/host": describing("test/host", { hostname: "box" }) });
    await launch(fw, "noutsns", "true");
    const failed = await fw.waitForStatus("noutsns", TaskState.TASK_FAILED);
    expect(failed.message).toContain("setting the hostname 'box' needs a UTS namespace");
  });

  rootTest("mounts with --launcher=posix are refused before anything starts", async () => {
    const { fw } = await cluster(["--launcher=posix", "--isolation=test/tmpfs"], {
      "test/tmpfs": describing("test/tmpfs", { mounts: [{ type: 2, target: "/mnt/t" }] }),
    });
    await launch(fw, "posix-mounts", "true");
    const failed = await fw.waitForStatus("posix-mounts", TaskState.TASK_FAILED);
    expect(failed.message).toContain("which need --launcher=linux");
  });
});

describe("the posix launcher", () => {
  test("runs tasks as plain processes", async () => {
    const { agent, fw } = await cluster(["--launcher=posix"]);
    await launch(fw, "plain", "echo pid=$$");
    await fw.waitForStatus("plain", TaskState.TASK_FINISHED);
    expect(sandboxFile(agent, fw, "plain", "stdout")).not.toBe("pid=1\n");
  });

  rootTest("with the cgroups isolators: the task runs in its container's cgroups", async () => {
    const root = testCgroupsRoot();
    const { agent, fw } = await cluster(["--launcher=posix", "--isolation=cgroups/cpu,cgroups/mem", `--cgroups_root=${root}`]);
    await launch(fw, "posix-cg", "grep -E ':(memory|cpu):' /proc/self/cgroup | cut -d: -f3 | sort -u");
    const done = await fw.waitForStatus("posix-cg", TaskState.TASK_FINISHED);
    const id = done.containerStatus!.containerId!.value;
    const cgroups = sandboxFile(agent, fw, "posix-cg", "stdout").trim().split("\n");
    expect(cgroups).toEqual([`/${root}/${id}`]);
  });
});

function encode(program: [number, number, number, number][]): Uint8Array {
  const bytes = new Uint8Array(program.length * 8);
  const view = new DataView(bytes.buffer);
  program.forEach(([code, jt, jf, k], i) => {
    view.setUint16(i * 8, code, true);
    view.setUint8(i * 8 + 2, jt);
    view.setUint8(i * 8 + 3, jf);
    view.setUint32(i * 8 + 4, k >>> 0, true);
  });
  return bytes;
}
