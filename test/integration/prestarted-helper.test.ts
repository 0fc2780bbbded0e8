/**
 * The launch helper started ahead of the next root container (`mesos __launch --prestarted`):
 * the second container of an agent runs under it as it would under one started for it (PID 1,
 * its stderr in the container's helper.log), a launch that fails after taking it fails as
 * before, and stopping the agent kills the helper left waiting. Needs root (the linux launcher).
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TaskState } from "@mesos/proto";
import type { IsolatorFactory } from "@mesos/agent";
import { eventually } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";
import type { TestFramework } from "../support/framework.ts";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("SKIPPING prestarted launch helper tests: they need root");
const rootTest = test.skipIf(!isRoot);

const cleanup = useCleanups();

function sandboxFile(agent: Awaited<ReturnType<typeof startTestCluster>>["agent"], fw: TestFramework, taskId: string, file: string): string {
  const dir = join(agent.ctx.workDir, "slaves", agent.ctx.info.id!.value, "frameworks", fw.sub.frameworkId, "executors", taskId, "runs", "latest");
  return readFileSync(join(dir, file), "utf8");
}

/** Our children that are prestarted helpers still waiting (or running a container). */
function prestartedChildren(): number[] {
  const me = String(process.pid);
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return fields[1] === me && fields[0] !== "Z" && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("__launch\0--prestarted");
      } catch {
        return false;
      }
    })
    .map(Number);
}

const PID1 = `tr '\\0' ' ' < /proc/1/cmdline; echo; readlink /proc/1/fd/2`;

describe("a prestarted launch helper", () => {
  rootTest("runs the second root container as PID 1, with its stderr in the container's helper.log", async () => {
    const { agent, fw } = await startTestCluster(cleanup);
    await fw.launch("first", PID1);
    await fw.waitForStatus("first", TaskState.TASK_FINISHED);
    // The first launch started its own helper; one now waits for the next container.
    expect(sandboxFile(agent, fw, "first", "stdout")).toContain("__launch --launch_info=");
    await eventually(() => prestartedChildren().length === 1, 10_000, "one prestarted helper waiting");

    await fw.launch("second", PID1);
    await fw.waitForStatus("second", TaskState.TASK_FINISHED);
    const [cmdline, stderr] = sandboxFile(agent, fw, "second", "stdout").split("\n");
    expect(cmdline).toContain("__launch --prestarted");
    expect(stderr).toMatch(/\/runtime\/containers\/[^/]+\/helper\.log$/);
    expect(stderr).toContain(agent.ctx.runtimeDir);
  });

  rootTest("a launch that fails after taking it fails as with any helper, and the helper is gone", async () => {
    let calls = 0;
    const flaky: IsolatorFactory = () => ({
      name: "test/flaky",
      prepare: async () => {
        if (++calls === 2) throw new Error("flaky prepare failed");
        return undefined;
      },
    });
    const { fw } = await startTestCluster(cleanup, { agent: { flags: ["--isolation=test/flaky"], isolators: { "test/flaky": flaky } } });
    await fw.launch("first", "true");
    await fw.waitForStatus("first", TaskState.TASK_FINISHED);
    await eventually(() => prestartedChildren().length === 1, 10_000, "one prestarted helper waiting");
    const taken = prestartedChildren()[0]!;

    await fw.launch("second", "true");
    const failed = await fw.waitForStatus("second", TaskState.TASK_FAILED);
    expect(failed.message).toContain("flaky prepare failed");
    // The helper the failed launch took has exited (told to abort); a fresh one waits.
    await eventually(() => !prestartedChildren().includes(taken), 10_000, "the taken helper to exit");
    await eventually(() => prestartedChildren().length === 1, 10_000, "one prestarted helper waiting");

    await fw.launch("third", "true");
    await fw.waitForStatus("third", TaskState.TASK_FINISHED);
  });

  rootTest("stopping the agent kills the helper left waiting", async () => {
    const { agent, fw } = await startTestCluster(cleanup);
    await fw.launch("only", "true");
    await fw.waitForStatus("only", TaskState.TASK_FINISHED);
    await eventually(() => prestartedChildren().length === 1, 10_000, "one prestarted helper waiting");
    await agent.stop();
    await eventually(() => prestartedChildren().length === 0, 10_000, "no prestarted helper left");
  });
});
