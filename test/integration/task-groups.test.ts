/**
 * LAUNCH_GROUP end to end, with the default executor's semantics: the tasks of a group share the
 * executor's container (its namespaces), each has its own sandbox under the executor's, one task
 * failing kills the others, killing one kills the group, and the executor's container goes once
 * every task has ended. Needs root (nested containers join the executor's namespaces).
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TaskState, TaskStatus_Reason } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";
import type { TestFramework } from "../support/framework.ts";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("SKIPPING task group tests: they need root");
const rootTest = test.skipIf(!isRoot);

const cleanup = useCleanups();

function cluster() {
  return startTestCluster(cleanup);
}

const disk = (mb: number) => ({ name: "disk", type: 0, scalar: { value: mb } });
const cpusMem = (cpus: number, mem: number) => [
  { name: "cpus", type: 0, scalar: { value: cpus } },
  { name: "mem", type: 0, scalar: { value: mem } },
];

async function launchGroup(fw: TestFramework, executorId: string, tasks: { id: string; command: string; grace?: bigint }[], executorType = 1) {
  const [offer] = await fw.nextOffers();
  await fw.sub.accept(
    [offer!.id!.value],
    [
      {
        type: 6, // LAUNCH_GROUP
        launchGroup: {
          executor: { type: executorType, executorId: { value: executorId }, resources: [...cpusMem(0.1, 32), disk(10)] },
          taskGroup: {
            tasks: tasks.map((t) => ({
              name: t.id,
              taskId: { value: t.id },
              agentId: offer!.agentId,
              command: { value: t.command },
              resources: cpusMem(0.1, 32),
              killPolicy: t.grace !== undefined ? { gracePeriod: { nanoseconds: t.grace } } : undefined,
            })),
          },
        },
      },
    ],
  );
  return offer!.agentId!.value;
}

describe("task groups", () => {
  rootTest("the tasks share the executor's container, each with its own sandbox; the executor's container goes when all end", async () => {
    const { agent, fw } = await cluster();
    await launchGroup(fw, "exec", [
      { id: "server", command: "echo serving; exec sleep 1000" },
      {
        id: "probe",
        command: "sleep 0.3; for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done | grep -c '^sleep 1000'; echo $MESOS_SANDBOX",
      },
    ]);
    const server = await fw.waitForStatus("server", TaskState.TASK_RUNNING);
    const probe = await fw.waitForStatus("probe", TaskState.TASK_FINISHED);
    expect(server.executorId?.value).toBe("exec");
    expect(probe.containerStatus?.containerId?.parent?.value).toBe(server.containerStatus?.containerId?.parent?.value);
    const executorSandbox = join(
      agent.ctx.workDir,
      "slaves",
      agent.ctx.info.id!.value,
      "frameworks",
      fw.sub.frameworkId,
      "executors",
      "exec",
      "runs",
      "latest",
    );
    const [count, sandbox] = readFileSync(join(executorSandbox, "tasks", "probe", "stdout"), "utf8")
      .trim()
      .split("\n");
    expect(count).toBe("1"); // it sees the other task's process: one PID namespace
    expect(sandbox).toEndWith("/tasks/probe");
    expect(readFileSync(join(executorSandbox, "tasks", "server", "stdout"), "utf8")).toBe("serving\n");
    // A finished task does not end the group.
    expect(fw.statuses.some((s) => s.taskId?.value === "server" && s.state !== TaskState.TASK_RUNNING && s.state !== TaskState.TASK_STARTING)).toBe(
      false,
    );

    await fw.sub.kill("server", server.agentId!.value);
    await fw.waitForStatus("server", TaskState.TASK_KILLED);
    await eventually(() => agent.ctx.containerizer.keys().length === 0, 10_000, "the executor's container to go");
  });

  rootTest("one task failing kills the others", async () => {
    const { fw } = await cluster();
    await launchGroup(fw, "exec2", [
      { id: "long", command: "exec sleep 1000", grace: 100_000_000n },
      { id: "crash", command: "sleep 0.3; exit 3" },
    ]);
    const failed = await fw.waitForStatus("crash", TaskState.TASK_FAILED);
    expect(failed.message).toBe("Command exited with status 3");
    const killed = await fw.waitForStatus("long", TaskState.TASK_KILLED);
    expect(killed.message).toBe("Command terminated with signal Terminated");
  });

  rootTest("killing one task kills the group", async () => {
    const { fw } = await cluster();
    const agentId = await launchGroup(fw, "exec3", [
      { id: "one", command: "exec sleep 1000" },
      { id: "two", command: "exec sleep 1000" },
    ]);
    await fw.waitForStatus("one", TaskState.TASK_RUNNING);
    await fw.waitForStatus("two", TaskState.TASK_RUNNING);
    await fw.sub.kill("one", agentId);
    await fw.waitForStatus("one", TaskState.TASK_KILLED);
    await fw.waitForStatus("two", TaskState.TASK_KILLED);
  });

  test("an invalid group: every task gets TASK_ERROR", async () => {
    const { fw } = await cluster();
    await launchGroup(
      fw,
      "custom",
      [
        { id: "x", command: "true" },
        { id: "y", command: "true" },
      ],
      2 /* CUSTOM */,
    );
    for (const id of ["x", "y"]) {
      const error = await fw.waitForStatus(id, TaskState.TASK_ERROR);
      expect(error.reason).toBe(TaskStatus_Reason.TASK_GROUP_INVALID);
      // Mesos 1.8 takes a CUSTOM executor for a task group, but only with a command to run.
      expect(error.message).toBe("'ExecutorInfo.command' must be set for 'CUSTOM' executor");
    }
  });
});
