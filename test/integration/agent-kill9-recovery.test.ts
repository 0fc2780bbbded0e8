/**
 * kill -9 of an agent process while containers run, then a new agent on the same work dir: the
 * containers are recovered (and the isolators recover them with their checkpointed config: the
 * remote plugin's journal shows it), orphans are destroyed (a non-checkpointing framework's task,
 * a stray cgroup under the agent's root), and the limits still hold (a task that starts hogging
 * memory after the restart is killed with the memory limitation). Needs root and cgroups.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scheduler, TaskState, TaskStatus_Reason } from "@mesos/proto";
import { findCgroupMounts, resolveController } from "@mesos/plugin-cgroups";
import { eventually, startTestMaster, tempDir, testCgroupsRoot } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { startAgentProcess, stopAgentProcesses } from "../support/agent-process.ts";
import { startExamplePlugin, stopPlugins } from "../support/plugins.ts";

const memory = (() => {
  try {
    return resolveController("memory", findCgroupMounts(), "auto");
  } catch {
    return undefined;
  }
})();
const skip = process.getuid?.() !== 0 ? "it needs root" : !memory ? "no memory cgroup controller" : undefined;
if (skip) console.warn(`SKIPPING the kill -9 recovery test: ${skip}`);

const cleanup = useCleanups();
afterAll(async () => {
  await stopAgentProcesses();
  stopPlugins();
});

async function launch(fw: TestFramework, taskId: string, command: string, mem = 32) {
  await fw.launch(taskId, command, { mem, refuseSeconds: 0 });
  return (await fw.waitForStatus(taskId, TaskState.TASK_RUNNING)).containerStatus!.containerId!.value;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
};

test.skipIf(skip !== undefined)(
  "after kill -9: containers recovered with their isolators' state, orphans destroyed, limits still hold",
  async () => {
    const master = await startTestMaster();
    cleanup(() => master.stop());
    const dir = tempDir("kill9");
    const socket = join(dir, "example.sock");
    const journal = join(dir, "journal");
    await startExamplePlugin(socket, [`--journal=${journal}`]);
    const root = testCgroupsRoot();
    const workDir = join(dir, "agent");
    const args = [
      `--master=${master.url.replace("http://", "")}`,
      `--work_dir=${workDir}`,
      "--port=0",
      "--resources=cpus:2;mem:2048;disk:1000",
      "--registration_backoff_factor=10ms",
      `--cgroups_root=${root}`,
      `--isolator_plugins=example/sandbox=unix://${socket}`,
      "--isolation=cgroups/cpu,cgroups/mem,example/sandbox",
    ];
    let agent = startAgentProcess(args);
    await agent.waitFor(/Registered with master/);

    const durable = await startTestFramework(master.url, { checkpoint: true, failoverTimeout: 600 });
    cleanup(() => durable.close());
    const flags = tempDir("flags");
    const survivor = await launch(durable, "survivor", `while [ ! -e ${flags}/finish ]; do sleep 0.05; done; echo done`);
    const hog = await launch(durable, "late-hog", `while [ ! -e ${flags}/hog ]; do sleep 0.05; done; exec tail /dev/zero`);
    // Offers to this framework would hold the agent's resources: step aside for the next one.
    await durable.sub.call({ type: scheduler.Call_Type.SUPPRESS });
    await Bun.sleep(100);
    await durable.sub
      .decline(
        durable.offers.map((o) => o.id!.value),
        3600,
      )
      .catch(() => {});
    const ephemeral = await startTestFramework(master.url, { checkpoint: false });
    cleanup(() => ephemeral.close());
    const doomed = await launch(ephemeral, "doomed", "exec sleep 1000");
    const doomedInit = Number(readFileSync(join(workDir, "runtime", "containers", doomed, "pid"), "utf8"));
    // A cgroup under the agent's root that no checkpoint knows about, with a process in it.
    const stray = join(memory!.mount, root, "stray");
    mkdirSync(stray);
    const strayProc = Bun.spawn(["sleep", "1000"], { stdio: ["ignore", "ignore", "ignore"] });
    writeFileSync(join(stray, "cgroup.procs"), String(strayProc.pid));
    expect(await agent.kill("SIGKILL")).not.toBe(0);
    writeFileSync(journal, ""); // from here on: what the new agent does
    agent = startAgentProcess(args);
    await agent.waitFor(/Registered with master/);
    await agent.waitFor(/Recovered 2 tasks and 2 containers/);

    // The plugin recovered the two containers of the checkpointing framework; the other one is an orphan.
    const entries = readFileSync(journal, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const recover = entries.find((e) => e.step === "recover");
    expect(recover.states.sort()).toEqual([survivor, hog].sort());
    expect(recover.orphans).toEqual([doomed]);
    await eventually(() => !alive(doomedInit), 10_000, "the orphan's processes to die");
    await eventually(() => strayProc.exitCode !== null || strayProc.signalCode !== null, 10_000, "the stray cgroup's process to be killed");
    expect(existsSync(stray)).toBe(false);
    // Limits still hold, and the memory watch is armed again.
    writeFileSync(join(flags, "hog"), "");
    const failed = await durable.waitForStatus("late-hog", TaskState.TASK_FAILED, 30_000);
    expect(failed.reason).toBe(TaskStatus_Reason.CONTAINER_LIMITATION_MEMORY);
    expect(failed.message).toStartWith("Memory limit exceeded: Requested: 64MB");
    writeFileSync(join(flags, "finish"), "");
    await durable.waitForStatus("survivor", TaskState.TASK_FINISHED);
    await Bun.sleep(300);
    expect(durable.statuses.filter((s) => s.taskId?.value === "survivor" && s.state === TaskState.TASK_FINISHED)).toHaveLength(1);
    await agent.kill("SIGTERM");
  },
  60_000,
);

test.skipIf(skip !== undefined)("SIGTERM stops the agent at once; its containers keep running", async () => {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const workDir = join(tempDir("sigterm"), "agent");
  const agent = startAgentProcess([
    `--master=${master.url.replace("http://", "")}`,
    `--work_dir=${workDir}`,
    "--port=0",
    "--registration_backoff_factor=10ms",
    `--cgroups_root=${testCgroupsRoot()}`,
    "--isolation=cgroups/cpu,cgroups/mem",
  ]);
  await agent.waitFor(/Registered with master/);
  const fw = await startTestFramework(master.url, { checkpoint: true });
  cleanup(() => fw.close());
  const container = await launch(fw, "lingering", "exec sleep 1000");
  const init = Number(readFileSync(join(workDir, "runtime", "containers", container, "pid"), "utf8"));
  cleanup(() => process.kill(init, "SIGKILL"));
  expect(await agent.kill("SIGTERM")).toBe(0);
  expect(alive(init)).toBe(true);
});
