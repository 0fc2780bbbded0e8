/**
 * The compiled `mesos agent` with the linux launcher and the cgroups isolators (its launch helper
 * is the binary itself): a task runs under PID 1 in its own namespaces and cgroups, a session
 * container joins it, and after kill -9 of the agent the task is recovered and still limited.
 * The master runs in the test process. Needs root and cgroups.
 */
import { afterAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { agent as api, TaskState, TaskStatus_Reason } from "@mesos/proto";
import { findCgroupMounts, resolveController } from "@mesos/plugin-cgroups";
import { startTestMaster, tempDir, testCgroupsRoot } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { agentApi } from "../support/agent-api.ts";
import { startDaemon, stopAllDaemons } from "../support/binary.ts";

const skip = (() => {
  if (process.getuid?.() !== 0) return "it needs root";
  try {
    resolveController("memory", findCgroupMounts(), "auto");
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
})();
if (skip) console.warn(`SKIPPING the compiled agent container test: ${skip}`);

const cleanup = useCleanups();
afterAll(stopAllDaemons);

async function launch(fw: TestFramework, taskId: string, command: string) {
  await fw.launch(taskId, command);
  return (await fw.waitForStatus(taskId, TaskState.TASK_RUNNING)).containerStatus!.containerId!.value;
}

test.skipIf(skip !== undefined)(
  "compiled agent: namespaces, cgroups, a session, kill -9 and recovery",
  async () => {
    const master = await startTestMaster();
    cleanup(() => master.stop());
    const workDir = tempDir("agent");
    const flags = tempDir("flags");
    const args = [
      "agent",
      `--master=${master.url.replace("http://", "")}`,
      `--work_dir=${workDir}`,
      "--port=0",
      "--resources=cpus:2;mem:1024;disk:100",
      "--registration_backoff_factor=10ms",
      "--isolation=cgroups/cpu,cgroups/mem",
      `--cgroups_root=${testCgroupsRoot()}`,
    ];
    let agent = startDaemon(args);
    const [, url] = await agent.waitFor(/Agent listening on (http:\/\/[\d.]+:\d+)/);
    await agent.waitFor(/Registered with master/);
    const fw = await startTestFramework(master.url, { checkpoint: true, failoverTimeout: 600 });
    cleanup(() => fw.close());
    const container = await launch(
      fw,
      "compiled",
      `echo "pid1=$(tr '\\0' ' ' < /proc/1/cmdline)"; while [ ! -e ${flags}/hog ]; do sleep 0.05; done; exec tail /dev/zero`,
    );

    // A session joins the task's namespaces: it sees the same PID 1.
    const session = agentApi(url!).callOutputStream(
      create(api.CallSchema, {
        type: api.Call_Type.LAUNCH_NESTED_CONTAINER_SESSION,
        launchNestedContainerSession: {
          containerId: { value: "look", parent: { value: container } },
          command: { value: "tr '\\0' ' ' < /proc/1/cmdline" },
        },
      }),
    );
    let seen = "";
    for await (const r of session) if (r.data) seen += new TextDecoder().decode(r.data.data);
    expect(seen).toMatch(/__launch --(launch_info=|prestarted)/);

    expect(await agent.kill("SIGKILL")).not.toBe(0);
    agent = startDaemon(args);
    await agent.waitFor(/Recovered 1 tasks and 1 containers/);

    writeFileSync(join(flags, "hog"), "");
    const failed = await fw.waitForStatus("compiled", TaskState.TASK_FAILED, 30_000);
    expect(failed.reason).toBe(TaskStatus_Reason.CONTAINER_LIMITATION_MEMORY);
    const stdout = readFileSync(
      join(workDir, "slaves", failed.agentId!.value, "frameworks", fw.sub.frameworkId, "executors", "compiled", "runs", "latest", "stdout"),
      "utf8",
    );
    expect(stdout).toMatch(/^pid1=\S*mesos __launch --(launch_info=|prestarted)/);
  },
  90_000,
);
