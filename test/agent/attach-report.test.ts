/**
 * What an agent reports when it attaches (apps/agent/src/projection/report.ts), built straight from
 * its live tasks: each task as Mesos's Task with the agent's id, no executor for a command task, its
 * unacknowledged updates (oldest first, the head's state and uuid); each framework with tasks once.
 */
import { expect, test } from "bun:test";
import { create, fromBinary, isFieldSet, toBinary } from "@bufbuild/protobuf";
import { parseResources } from "@mesos/core";
import {
  AgentIDSchema,
  FrameworkInfoSchema,
  internal,
  Offer_Operation_Type,
  OperationSchema,
  OperationState,
  TaskSchema,
  TaskState,
} from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { eventually } from "../support/cluster.ts";
import { startTestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

test("the attach report: tasks with the agent's id, no command executor, unacknowledged updates; frameworks once", async () => {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
  const { agent, registered } = await attachInMemoryAgent(master, cleanup);
  const agentId = await registered;
  const fw = await startTestFramework(master.transport, {}, { autoAcknowledge: false });
  cleanup(() => fw.close());
  for (const id of ["a", "b"]) await fw.launch(id, "sleep 1000", { cpus: 1, refuseSeconds: 0 });
  // Unacknowledged, the updates stay queued on the agent (STARTING in flight, RUNNING behind it).
  await eventually(
    () => ["a", "b"].every((id) => agent.ctx.statusUpdates.pending(fw.sub.frameworkId, id).length === 2),
    5000,
    "both tasks' updates to be pending",
  );

  const report = fromBinary(internal.AttachRequestSchema, agent.attachRequest());
  expect(report.agentInfo?.id?.value).toBe(agentId);
  expect(report.frameworks.map((f) => f.id?.value)).toEqual([fw.sub.frameworkId]);
  expect(report.tasks.map((t) => t.taskId?.value)).toEqual(["a", "b"]);
  for (const task of report.tasks) {
    expect(task.agentId?.value).toBe(agentId);
    expect(task.frameworkId?.value).toBe(fw.sub.frameworkId);
    expect(task.executorId).toBeUndefined();
    expect(task.state).toBe(TaskState.TASK_RUNNING);
    const pending = agent.ctx.statusUpdates.pending(fw.sub.frameworkId, task.taskId!.value);
    expect(task.statuses.map((s) => s.uuid)).toEqual(pending.map((u) => u.status.uuid));
    expect(task.statusUpdateUuid).toEqual(pending[0]!.status.uuid);
    expect(task.statusUpdateState).toBe(pending[0]!.status.state);
  }
  // Built afresh each time: changing one report leaves the agent's state and the next report alone.
  report.tasks[0]!.state = TaskState.TASK_LOST;
  const again = fromBinary(internal.AttachRequestSchema, agent.attachRequest());
  expect(again.tasks[0]!.state).toBe(TaskState.TASK_RUNNING);

  // Acknowledged, a task is reported without updates (its encoding then kept for the next report),
  // and as it is now once its state changes.
  let acknowledged = 0;
  await eventually(
    async () => {
      for (; acknowledged < fw.statuses.length; acknowledged++) await fw.sub.acknowledge(fw.statuses[acknowledged]!);
      return ["a", "b"].every((id) => agent.ctx.statusUpdates.pending(fw.sub.frameworkId, id).length === 0);
    },
    5000,
    "both tasks' updates to be acknowledged",
  );
  const settled = () => fromBinary(internal.AttachRequestSchema, agent.attachRequest());
  for (const task of settled().tasks) {
    expect(task.statuses).toEqual([]);
    expect(isFieldSet(task, TaskSchema.field.statusUpdateUuid!)).toBe(false);
    expect(task.agentId?.value).toBe(agentId);
  }
  expect(settled()).toEqual(settled());
  const live = [...agent.ctx.tasks.values()].find((t) => t.info.taskId?.value === "a")!;
  live.state = TaskState.TASK_KILLING;
  expect(settled().tasks.map((t) => t.state)).toEqual([TaskState.TASK_KILLING, TaskState.TASK_RUNNING]);
  live.state = TaskState.TASK_RUNNING;
}, 20_000);

test("the attach report carries each framework and the checkpointed resources as the agent holds them now", async () => {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
  const { agent, registered } = await attachInMemoryAgent(master, cleanup);
  await registered;
  const fw = await startTestFramework(master.transport, { name: "before" }, {});
  cleanup(() => fw.close());
  await fw.launch("a", "sleep 1000", { cpus: 1, refuseSeconds: 0 });
  const report = () => fromBinary(internal.AttachRequestSchema, agent.attachRequest());
  const held = () => agent.ctx.frameworks.get(fw.sub.frameworkId)!;
  // The framework as its launch brought it (the RunTask's bytes), the resources as checkpointed.
  expect(report().frameworks).toEqual([held()]);
  expect(report().checkpointedResources).toEqual(agent.ctx.total.toArray());
  expect(report().frameworks[0]!.name).toBe("before");

  // The master's UpdateFramework replaces the FrameworkInfo: the next report has the new one.
  const updated = create(FrameworkInfoSchema, { ...held(), name: "after" });
  agent.receive(create(internal.MasterMessageSchema, { message: { case: "updateFramework", value: { frameworkInfo: updated } } }));
  expect(report().frameworks.map((f) => f.name)).toEqual(["after"]);
  // An operation replaces the agent's total (a reservation here): the next report has it.
  agent.ctx.total = agent.ctx.total.plus(parseResources("cpus(web):1"));
  expect(report().checkpointedResources).toEqual(agent.ctx.total.toArray());
  expect(report().checkpointedResources.some((r) => r.reservations[0]?.role === "web")).toBe(true);
}, 20_000);

test("the attach report's bytes are protobuf-es's, with the agent's id as it is now and its operations", async () => {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
  const { agent, registered } = await attachInMemoryAgent(master, cleanup);
  await registered;
  const fw = await startTestFramework(master.transport, {}, {});
  cleanup(() => fw.close());
  await fw.launch("a", "sleep 1000", { cpus: 1, refuseSeconds: 0 });
  const report = () => fromBinary(internal.AttachRequestSchema, agent.attachRequest());
  // Without operations the fields are in number order: the bytes are protobuf-es's for what they say.
  const bytes = agent.attachRequest();
  expect(bytes).toEqual(toBinary(internal.AttachRequestSchema, fromBinary(internal.AttachRequestSchema, bytes)));
  expect(report().agentInfo).toEqual(agent.ctx.info);
  expect(report().endpoint).toBe(agent.ctx.endpoint);

  // Who the agent is is encoded once, and again when its id changes (a master that forgot it gives a new one).
  agent.ctx.info.id = create(AgentIDSchema, { value: "another-id" });
  expect(report().agentInfo?.id?.value).toBe("another-id");
  expect(report().agentInfo).toEqual(agent.ctx.info);

  // Operations not yet forgotten go with it (protobuf-es's encoding of them), the rest unchanged.
  const before = report();
  const operation = create(OperationSchema, {
    uuid: { value: new Uint8Array(16).fill(7) },
    info: { type: Offer_Operation_Type.RESERVE },
    latestStatus: { state: OperationState.OPERATION_FINISHED },
  });
  agent.ctx.operations.set("op", operation);
  const withOperation = report();
  expect(withOperation.operations).toEqual([operation]);
  withOperation.operations = [];
  expect(withOperation).toEqual(before);
  agent.ctx.operations.delete("op");
}, 20_000);
