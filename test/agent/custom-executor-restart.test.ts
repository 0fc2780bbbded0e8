/**
 * A custom executor's tasks across an agent restart (Mesos 1.8: slave.cpp's recover,
 * Executor::recoverTask, Slave::subscribe), with the agent built in memory and the executor played
 * by the test on the v1 executor API:
 * - an agent restarted (its custom executor gone) while the executor's TASK_FINISHED is
 *   unacknowledged re-sends that TASK_FINISHED and says nothing else of the task: not TASK_FAILED
 *   for the executor's absence, not TASK_LOST when the master reconciles the task (a task's state
 *   is its last checkpointed update's);
 * - an executor still running re-subscribes with what it has not seen acknowledged: every update
 *   is ACKNOWLEDGED (the agent acknowledges what it has checkpointed, as Mesos's does), but only a
 *   new one is forwarded: not one the framework acknowledged while the executor was away, nor one
 *   still on its way; a task still STAGING that it never got is TASK_LOST ("Task launched during
 *   agent restart"); a kill that came while it was away reaches it once it is back. Once re-subscribed it is not
 *   shut down when --executor_reregistration_timeout passes;
 * - one that does not re-subscribe in time is destroyed and its task is lost (TASK_GONE, the
 *   framework being partition-aware), with REASON_EXECUTOR_REREGISTRATION_TIMEOUT.
 * - one whose tasks all ended keeps its framework on the agent (Mesos's Framework::idle), so it is
 *   still served and is recovered too; its end then forgets the framework.
 * test/integration/custom-executor-recovery.test.ts does it with real processes and kill -9.
 */
import { expect, test } from "bun:test";
import { fromBinary } from "@bufbuild/protobuf";
import { FrameworkInfo_Capability_Type, internal, TaskState, TaskStatus_Reason, TaskStatus_Source } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { register, TEST_AGENT_ID } from "../support/in-memory-agent.ts";
import { agentOnDisk, executorCall, framework, launch, readEvents, statusJson, updatesOf, uuidOf } from "../support/in-memory-executor.ts";
import { createSimulatedContainerizer } from "../support/simulated-containerizer.ts";

test("an unacknowledged TASK_FINISHED from a custom executor is the task's only end after an agent restart", async () => {
  const { start } = agentOnDisk("custom-executor-restart");
  const before = await start();
  let finished: string;
  try {
    register(before);
    launch(before, "t");
    const subscribed = await executorCall(before, { type: "SUBSCRIBE", subscribe: {} });
    expect(subscribed.status).toBe(200);
    for (const [state, byte] of [
      ["TASK_RUNNING", 1],
      ["TASK_FINISHED", 2],
    ] as const) {
      const uuid = Buffer.alloc(16, byte).toString("base64");
      const res = await executorCall(before, {
        type: "UPDATE",
        update: { status: { task_id: { value: "t" }, state, source: "SOURCE_EXECUTOR", uuid } },
      });
      expect(res.status).toBe(202);
    }
    // Nobody acknowledges: the stream holds TASK_RUNNING (in flight) and TASK_FINISHED behind it.
    await eventually(() => updatesOf(before).length > 0, 10_000, "the executor's first update sent");
    finished = Buffer.alloc(16, 2).toString("hex");
    await subscribed.body?.cancel();
  } finally {
    await before.stop();
  }

  const after = await start({
    containerizer: createSimulatedContainerizer().containerizer, // the executor is gone
    acknowledge: true,
  });
  try {
    // Re-registered: the master, not hearing of the task, asks the agent about it (as reconcileKnownSlave does).
    after.fromMaster({
      case: "registered",
      value: {
        agentId: { value: TEST_AGENT_ID },
        masterInfo: { id: "m", ip: 0, port: 5050 },
        connectionId: "c",
        reconciliations: [{ frameworkId: { value: "f" }, framework, statuses: [{ taskId: { value: "t" }, state: TaskState.TASK_RUNNING }] }],
      },
    });
    const ends = () => updatesOf(after).filter((s) => s.state !== TaskState.TASK_RUNNING);
    await eventually(() => ends().length > 0, 10_000, "the task's end re-sent");
    // Let anything else the restarted agent would say about the task arrive.
    await Bun.sleep(500);
    const states = new Set(ends().map((s) => `${TaskState[s.state]} ${Buffer.from(s.uuid).toString("hex")}`));
    expect([...states]).toEqual([`TASK_FINISHED ${finished}`]);
  } finally {
    await after.stop();
  }
}, 30_000);

test("a custom executor re-subscribing after an agent restart: acknowledged, pending and new updates, a task it never got", async () => {
  const { sim, start } = agentOnDisk("custom-executor-resubscribe");
  const before = await start();
  try {
    register(before);
    launch(before, "acked");
    launch(before, "pending");
    const subscribed = await executorCall(before, { type: "SUBSCRIBE", subscribe: {} });
    expect(subscribed.status).toBe(200);
    for (const [taskId, byte] of [
      ["acked", 1],
      ["pending", 3],
    ] as const) {
      const res = await executorCall(before, { type: "UPDATE", update: { status: statusJson(taskId, "TASK_RUNNING", byte) } });
      expect(res.status).toBe(202);
    }
    // Launched while the executor "was not listening": it never gets this task.
    launch(before, "unseen");
    await subscribed.body?.cancel();
  } finally {
    await before.stop();
  }

  // The executor's container still runs (the simulated containerizer is handed on, as the host's processes would be).
  const after = await start({
    flags: ["--executor_reregistration_timeout=200ms"],
  });
  try {
    register(after);
    const executorContainer = sim.launches[0]!.containerId!.value;
    expect(sim.containerizer.state(executorContainer)).toBe("running");
    expect(after.ctx.tasks.get("f/acked")).toMatchObject({ state: TaskState.TASK_RUNNING, customExecutor: true, executorId: "ce" });
    // The framework acknowledges the re-sent TASK_RUNNING of "acked" before the executor is back.
    await eventually(() => updatesOf(after, "acked").length > 0, 10_000, "acked's TASK_RUNNING re-sent");
    after.fromMaster({
      case: "acknowledgeStatusUpdate",
      value: { frameworkId: { value: "f" }, taskId: { value: "acked" }, uuid: Buffer.alloc(16, 1) },
    });
    const pendingSends = updatesOf(after, "pending").length;
    // A kill of a task the executor runs waits for it to re-subscribe (not TASK_KILLED by the agent).
    after.fromMaster({ case: "killTask", value: { frameworkId: { value: "f" }, taskId: { value: "pending" } } });

    const res = await executorCall(after, {
      type: "SUBSCRIBE",
      subscribe: {
        unacknowledged_tasks: [{ name: "pending", task_id: { value: "pending" }, agent_id: { value: TEST_AGENT_ID }, executor_id: { value: "ce" } }],
        unacknowledged_updates: [
          { status: statusJson("acked", "TASK_RUNNING", 1) },
          { status: statusJson("pending", "TASK_RUNNING", 3) },
          // Sent while the agent was down: new to it.
          { status: statusJson("acked", "TASK_FINISHED", 2) },
        ],
      },
    });
    expect(res.status).toBe(200);
    const events = await readEvents(res, (e) => e.length >= 5);
    expect(events.map((e) => e.type)).toEqual(["SUBSCRIBED", "ACKNOWLEDGED", "ACKNOWLEDGED", "ACKNOWLEDGED", "KILL"]);
    expect(events.slice(1, 4).map((e) => e.acknowledged!.uuid)).toEqual([uuidOf(1), uuidOf(3), uuidOf(2)]);

    const finished = updatesOf(after, "acked").filter((s) => s.state === TaskState.TASK_FINISHED);
    expect(finished.map((s) => Buffer.from(s.uuid).toString("base64"))).toEqual([uuidOf(2)]);
    expect(updatesOf(after, "acked").filter((s) => s.state === TaskState.TASK_RUNNING)).toHaveLength(1);
    expect(updatesOf(after, "pending")).toHaveLength(pendingSends); // no TASK_KILLED from the agent either
    // ... nor checkpointed twice.
    expect(after.ctx.store.statusUpdates.loadAll().filter((u) => u.taskId === "pending")).toHaveLength(1);
    const unseen = updatesOf(after, "unseen").at(-1);
    expect(unseen).toMatchObject({
      state: TaskState.TASK_LOST,
      reason: TaskStatus_Reason.AGENT_RESTARTED,
      message: "Task launched during agent restart",
    });

    // Re-subscribed in time: the re-registration timeout passes and the executor stays.
    await Bun.sleep(400);
    expect(sim.containerizer.state(executorContainer)).toBe("running");
    expect(after.ctx.tasks.get("f/pending")?.state).toBe(TaskState.TASK_RUNNING);
    await res.body?.cancel();
  } finally {
    await after.stop();
  }
}, 30_000);

test("a recovered custom executor that does not re-subscribe in time: destroyed, its task TASK_GONE for a partition-aware framework", async () => {
  const { sim, start } = agentOnDisk("custom-executor-timeout");
  const aware = { ...framework, capabilities: [{ type: FrameworkInfo_Capability_Type.PARTITION_AWARE }] };
  const before = await start();
  try {
    register(before);
    launch(before, "t", aware);
    const subscribed = await executorCall(before, { type: "SUBSCRIBE", subscribe: {} });
    const res = await executorCall(before, { type: "UPDATE", update: { status: statusJson("t", "TASK_RUNNING", 1) } });
    expect(res.status).toBe(202);
    await subscribed.body?.cancel();
  } finally {
    await before.stop();
  }

  const after = await start({
    flags: ["--executor_reregistration_timeout=100ms"],
    acknowledge: true,
  });
  try {
    register(after);
    const executorContainer = sim.launches[0]!.containerId!.value;
    await eventually(() => updatesOf(after).some((s) => s.state === TaskState.TASK_GONE), 10_000, "the task's TASK_GONE");
    expect(updatesOf(after).find((s) => s.state === TaskState.TASK_GONE)).toMatchObject({
      reason: TaskStatus_Reason.EXECUTOR_REREGISTRATION_TIMEOUT,
      source: TaskStatus_Source.AGENT,
      message: "Executor did not reregister within 100ms",
    });
    expect(sim.containerizer.state(executorContainer)).toBeUndefined(); // destroyed, then removed
    expect(after.sent.some((m) => m.case === "exitedExecutor" && m.value.executorId?.value === "ce")).toBe(true);
    // Too late now: the executor is gone.
    const late = await executorCall(after, { type: "SUBSCRIBE", subscribe: {} });
    expect(late.status).toBe(400);
    // Its checkpoint went with it: a third agent has no executor to wait for.
    await eventually(() => after.ctx.tasks.size === 0, 10_000, "the acknowledged task forgotten");
    expect(after.ctx.store.executors()).toEqual([]);
  } finally {
    await after.stop();
  }
}, 30_000);

test("a custom executor whose tasks all ended keeps its framework on the agent: it is still served and recovered after a restart", async () => {
  const { sim, start } = agentOnDisk("custom-executor-idle");
  const before = await start({ acknowledge: true });
  try {
    register(before);
    launch(before, "t");
    const subscribed = await executorCall(before, { type: "SUBSCRIBE", subscribe: {} });
    for (const [state, byte] of [
      ["TASK_RUNNING", 1],
      ["TASK_FINISHED", 2],
    ] as const) {
      expect((await executorCall(before, { type: "UPDATE", update: { status: statusJson("t", state, byte) } })).status).toBe(202);
    }
    await eventually(() => before.ctx.tasks.size === 0, 10_000, "the finished task forgotten");
    // Mesos's Framework::idle: no task, but an executor.
    expect(before.ctx.frameworks.has("f")).toBe(true);
    const message = await executorCall(before, { type: "MESSAGE", message: { data: Buffer.from("still here").toString("base64") } });
    expect(message.status).toBe(202);
    await subscribed.body?.cancel();
  } finally {
    await before.stop();
  }

  const after = await start();
  try {
    register(after);
    expect(after.ctx.customExecutors.get("f", "ce")).toBeDefined();
    expect(sim.containerizer.state(sim.launches[0]!.containerId!.value)).toBe("running");
    // The report to the master lists it and its framework, with no task (Mesos's executor_infos).
    const report = fromBinary(internal.AttachRequestSchema, after.attachRequest());
    expect(report.executorInfos.map((e) => [e.frameworkId?.value, e.executorId?.value, e.command?.value])).toEqual([["f", "ce", "executor"]]);
    expect(report.frameworks.map((f) => f.id?.value)).toEqual(["f"]);
    expect(report.tasks).toEqual([]);
    // Its end, with nothing else of the framework here, forgets the framework.
    sim.exit(sim.launches[0]!.containerId!.value, 0);
    await eventually(() => !after.ctx.frameworks.has("f"), 10_000, "the framework forgotten");
  } finally {
    await after.stop();
  }
  // Its checkpointed row is left for later (store.frameworkIdle); a restarted agent neither recovers the framework nor keeps the row.
  const third = await start();
  try {
    expect(third.ctx.frameworks.has("f")).toBe(false);
    expect(third.ctx.store.frameworks()).toEqual([]);
  } finally {
    await third.stop();
  }
}, 30_000);
