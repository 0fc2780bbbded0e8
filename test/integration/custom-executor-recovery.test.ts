/**
 * A custom executor across kill -9 of its agent, as Mesos 1.8 handles it for a checkpointing
 * framework (slave.cpp: recover, Slave::subscribe, reregisterExecutorTimeout). The executor is a
 * real process (test/fixtures/custom-executor.ts, which re-subscribes as Mesos's v1 executor
 * library does); the agent runs in a process of its own, restarted on the same work dir and port.
 * - The executor re-subscribes: its container was not destroyed as an orphan, the task was never
 *   reported lost, and the TASK_FINISHED it sends later reaches the framework exactly once.
 * - The restarted agent re-registers with the master only once the executor is back (Mesos's
 *   agent looks for the master after recovery, which waits for its executors): a framework
 *   message sent as soon as the agent re-registered reaches an executor that took seconds to
 *   come back, and its answer reaches the framework.
 * - An executor that does not re-subscribe within --executor_reregistration_timeout is destroyed;
 *   its task is TASK_LOST with REASON_EXECUTOR_REREGISTRATION_TIMEOUT (source SOURCE_AGENT) and the
 *   framework hears that the executor exited.
 */
import { afterAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExecutorInfo_Type, Offer_Operation_Type, scheduler, TaskState, TaskStatus_Reason, TaskStatus_Source, Value_Type } from "@mesos/proto";
import { eventually, freePort, REPO_ROOT, startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { startAgentProcess, stopAgentProcesses } from "../support/agent-process.ts";

const cleanup = useCleanups();
afterAll(() => stopAgentProcesses());

const scalar = (name: string, value: number) => ({ name, type: Value_Type.SCALAR, scalar: { value } });

async function launchOnCustomExecutor(fw: TestFramework, taskId: string, command: string, executorArgs: string[] = []) {
  const [offer] = await fw.nextOffers();
  const executor = {
    executorId: { value: `${taskId}-executor` },
    type: ExecutorInfo_Type.CUSTOM,
    command: {
      shell: false,
      value: process.execPath,
      arguments: [process.execPath, join(REPO_ROOT, "test/fixtures/custom-executor.ts"), ...executorArgs],
    },
    resources: [scalar("cpus", 0.1), scalar("mem", 64)],
  };
  const task = {
    name: taskId,
    taskId: { value: taskId },
    agentId: offer!.agentId,
    executor,
    // What the executor does with it (a task has a command or an executor, not both).
    data: new TextEncoder().encode(command),
    resources: [scalar("cpus", 0.1), scalar("mem", 32)],
  };
  await fw.sub.accept([offer!.id!.value], [{ type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: [task] } }]);
  await fw.waitForStatus(taskId, TaskState.TASK_RUNNING, 30_000);
}

async function clusterWithAgent(name: string, extraArgs: string[] = []) {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  // The executor finds the restarted agent where it left it: the same port.
  const args = [
    `--master=${master.url.replace("http://", "")}`,
    `--work_dir=${join(tempDir(name), "agent")}`,
    `--port=${freePort()}`,
    "--launcher=posix",
    "--resources=cpus:2;mem:1024;disk:1000",
    "--registration_backoff_factor=10ms",
    ...extraArgs,
  ];
  const agent = startAgentProcess(args);
  await agent.waitFor(/Registered with master/);
  const fw = await startTestFramework(master.url, { checkpoint: true, failoverTimeout: 600 });
  cleanup(() => fw.close());
  return { agent, args, fw };
}

const workDirOf = (args: string[]) => args.find((a) => a.startsWith("--work_dir="))!.slice("--work_dir=".length);

function executorStdout(workDir: string, executorId: string): string {
  const [path] = [...new Bun.Glob(`slaves/*/frameworks/*/executors/${executorId}/runs/*/stdout`).scanSync({ cwd: workDir, followSymlinks: false })];
  return path ? readFileSync(join(workDir, path), "utf8") : "";
}

const statesOf = (fw: TestFramework, taskId: string) => fw.statuses.filter((s) => s.taskId?.value === taskId).map((s) => TaskState[s.state]);

test("a custom executor re-subscribes after kill -9 of its agent; its later TASK_FINISHED arrives once", async () => {
  const { agent, args, fw } = await clusterWithAgent("executor-resubscribes");
  const finish = join(tempDir("finish"), "now");
  await launchOnCustomExecutor(fw, "kept", `finish-when:${finish}`);
  expect(await agent.kill("SIGKILL")).not.toBe(0);

  const restarted = startAgentProcess(args);
  await restarted.waitFor(/Registered with master/);
  // The executor logs every event to its sandbox's stdout: a second SUBSCRIBED is its re-subscription.
  await eventually(
    () => executorStdout(workDirOf(args), "kept-executor").split('"type":"SUBSCRIBED"').length === 3,
    20_000,
    "the executor to re-subscribe",
  );
  expect(restarted.output()).not.toContain("Destroyed orphan container");
  // The restarted agent holds the executor with its task as it last was.
  const port = args.find((a) => a.startsWith("--port="))!.slice("--port=".length);
  const state = (await (await fetch(`http://127.0.0.1:${port}/state`)).json()) as { frameworks: { executors: object[] }[] };
  expect(state.frameworks[0]!.executors).toMatchObject([{ id: "kept-executor", tasks: [{ id: "kept", state: "TASK_RUNNING" }] }]);
  writeFileSync(finish, "");
  const finished = await fw.waitForStatus("kept", TaskState.TASK_FINISHED, 20_000);
  expect(finished.source).toBe(TaskStatus_Source.EXECUTOR);
  // Let anything else about the task (a second FINISHED, a late LOST) arrive.
  await Bun.sleep(1000);
  expect(statesOf(fw, "kept")).toEqual(["TASK_RUNNING", "TASK_FINISHED"]);
  await restarted.kill("SIGTERM");
}, 90_000);

test("a restarted agent re-registers once its custom executor is back: a framework message sent then reaches it", async () => {
  const { agent, args, fw } = await clusterWithAgent("executor-back-first", ["--executor_reregistration_timeout=15secs"]);
  // Away for 4 s after losing the agent: far longer than the restarted agent takes to start.
  await launchOnCustomExecutor(fw, "talk", "run", ["--away-for=4000"]);
  const agentId = fw.statuses.find((s) => s.taskId?.value === "talk")!.agentId!;
  expect(await agent.kill("SIGKILL")).not.toBe(0);

  const restarted = startAgentProcess(args);
  await restarted.waitFor(/Registered with master/, 30_000);
  await fw.sub.call({
    type: scheduler.Call_Type.MESSAGE,
    message: { agentId, executorId: { value: "talk-executor" }, data: new TextEncoder().encode("hello") },
  });
  const echo = await eventually(
    () => fw.events.find((e) => e.type === scheduler.Event_Type.MESSAGE && new TextDecoder().decode(e.message?.data) === "echo:hello"),
    20_000,
    "the executor's answer",
  );
  expect(echo.message?.executorId?.value).toBe("talk-executor");
  const output = restarted.output();
  expect(output.indexOf("re-subscribed after the agent restarted")).toBeGreaterThan(-1);
  expect(output.indexOf("re-subscribed after the agent restarted")).toBeLessThan(output.indexOf("Registered with master"));
  expect(statesOf(fw, "talk")).toEqual(["TASK_RUNNING"]);
  await restarted.kill("SIGTERM");
}, 90_000);

test("a custom executor that does not re-subscribe in time is shut down: TASK_LOST with REASON_EXECUTOR_REREGISTRATION_TIMEOUT", async () => {
  const { agent, args, fw } = await clusterWithAgent("executor-stays-away");
  await launchOnCustomExecutor(fw, "abandoned", "run", ["--stay-away"]);
  expect(await agent.kill("SIGKILL")).not.toBe(0);

  const restarted = startAgentProcess(args);
  const lost = await fw.waitForStatus("abandoned", TaskState.TASK_LOST, 30_000);
  expect(lost.reason).toBe(TaskStatus_Reason.EXECUTOR_REREGISTRATION_TIMEOUT);
  expect(lost.source).toBe(TaskStatus_Source.AGENT);
  expect(lost.message).toBe("Executor did not reregister within 2secs");
  await restarted.waitFor(/Killing un-reregistered executor 'abandoned-executor'/);
  await eventually(
    () => fw.events.find((e) => e.type === scheduler.Event_Type.FAILURE && e.failure?.executorId?.value === "abandoned-executor"),
    20_000,
    "the executor's FAILURE",
  );
  await Bun.sleep(500);
  expect(statesOf(fw, "abandoned")).toEqual(["TASK_RUNNING", "TASK_LOST"]);
  await restarted.kill("SIGTERM");
}, 90_000);
