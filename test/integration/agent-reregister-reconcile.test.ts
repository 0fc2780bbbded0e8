/**
 * An agent re-registers with a master that knows it, without a task the master has on it (Mesos's
 * reconcileKnownSlave): the master does not decide the task is lost, it asks the agent. A task
 * the agent does not know (its launch was lost) ends with the agent's TASK_LOST (TASK_DROPPED for a
 * partition-aware framework); one it does know (the launch raced the re-registration) goes on.
 */
import { expect, test } from "bun:test";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { containerIdString } from "@mesos/plugin-api";
import { internal, TaskState, TaskStatus_Reason, TaskStatus_Source } from "@mesos/proto";
import type { LinkDialer, LinkEnd } from "@mesos/rpc";
import { useCleanups } from "../support/cleanups.ts";
import { eventually } from "../support/cluster.ts";
import { startTestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

/** A link the test can cut, that can lose RunTask frames or leave tasks out of the agent's report. */
function faultyLink(rules: { dropRunTasks: boolean; hideTasks: boolean }) {
  let current: LinkEnd | undefined;
  /** The Registered frames the agent got, in order. */
  const registrations: internal.Registered[] = [];
  const wrap =
    (dial: LinkDialer): LinkDialer =>
    (listener) => {
      let first = true;
      const end = dial({
        open: () => listener.open?.(),
        message: (frame) => {
          const m = fromBinary(internal.MasterMessageSchema, frame).message;
          if (m.case === "registered") registrations.push(m.value);
          if (rules.dropRunTasks && m.case === "runTask") return;
          listener.message(frame);
        },
        close: (code, reason, cause) => listener.close(code, reason, cause),
      });
      current = {
        send(frame) {
          if (first && rules.hideTasks) {
            const request = fromBinary(internal.AttachRequestSchema, frame);
            request.tasks = [];
            frame = toBinary(internal.AttachRequestSchema, request);
          }
          first = false;
          end.send(frame);
        },
        close: (code, reason) => end.close(code, reason),
      };
      return current;
    };
  return { rules, registrations, wrap, cut: () => current?.close(1000, "cut by the test") };
}

for (const partitionAware of [false, true]) {
  const expected = partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;

  test(`a task whose launch the agent never got: ${TaskState[expected]} from the agent, nothing from the master (partition-aware: ${partitionAware})`, async () => {
    const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
    const link = faultyLink({ dropRunTasks: true, hideTasks: false });
    const { agent, registered } = await attachInMemoryAgent(master, cleanup, { wrapLink: link.wrap });
    const agentId = await registered;
    const fw = await startTestFramework(master.transport, { capabilities: partitionAware ? [{ type: 5 }] : [] });
    cleanup(() => fw.close());
    await fw.launch("lost-launch", "sleep 1000", { cpus: 1 });
    await eventually(() => master.ctx.tasks.onAgentById(agentId, fw.sub.frameworkId, "lost-launch"), 5000, "the master to launch the task");
    expect(agent.ctx.tasks.size).toBe(0);

    link.cut();
    await eventually(() => link.registrations.length === 2, 5000, "the agent to re-register");
    expect(link.registrations[1]!.reconciliations.map((r) => [r.frameworkId!.value, r.statuses.map((s) => s.taskId!.value)])).toEqual([
      [fw.sub.frameworkId, ["lost-launch"]],
    ]);
    const status = await fw.waitForStatus("lost-launch", expected, 5000);
    expect(status.source).toBe(TaskStatus_Source.AGENT);
    expect(status.reason).toBe(TaskStatus_Reason.RECONCILIATION);
    expect(status.message).toBe("Reconciliation: task unknown to the agent");
    expect(status.uuid.length).toBeGreaterThan(0);
    // Acknowledged, the task is done on both sides; the master said nothing of it itself.
    await eventually(() => master.ctx.tasks.completed(fw.sub.frameworkId).length === 1, 5000, "the task to complete");
    expect(master.ctx.tasks.active(fw.sub.frameworkId).size).toBe(0);
    await eventually(() => agent.ctx.statusUpdates.pending(fw.sub.frameworkId, "lost-launch").length === 0, 5000, "the update to be acknowledged");
    expect(fw.statuses.filter((s) => s.taskId?.value === "lost-launch").map((s) => [TaskState[s.state], TaskStatus_Source[s.source]])).toEqual([
      [TaskState[expected], "AGENT"],
    ]);
  });
}

test("a task the agent has but left out of its report (the launch raced the re-registration) goes on", async () => {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
  const link = faultyLink({ dropRunTasks: false, hideTasks: false });
  const { agent, registered, containerizer } = await attachInMemoryAgent(master, cleanup, { wrapLink: link.wrap });
  const agentId = await registered;
  const fw = await startTestFramework(master.transport, {});
  cleanup(() => fw.close());
  await fw.launch("raced", "sleep 1000", { cpus: 1 });
  await fw.waitForStatus("raced", TaskState.TASK_RUNNING);

  // Built before the launch arrived: the report has no tasks; the agent does run this one.
  link.rules.hideTasks = true;
  link.cut();
  await eventually(() => link.registrations.length === 2, 5000, "the agent to re-register");
  expect(link.registrations[1]!.reconciliations.flatMap((r) => r.statuses.map((s) => s.taskId!.value))).toEqual(["raced"]);
  expect(master.ctx.tasks.onAgentById(agentId, fw.sub.frameworkId, "raced")).toBeDefined();
  // The agent knows it: no update for the reconciliation; the task's own updates follow.
  await Bun.sleep(100);
  expect(agent.ctx.statusUpdates.pending(fw.sub.frameworkId, "raced")).toEqual([]);
  containerizer.exit(containerIdString(containerizer.launches[0]!.containerId), 0);
  await fw.waitForStatus("raced", TaskState.TASK_FINISHED);
  await eventually(() => master.ctx.tasks.completed(fw.sub.frameworkId).length === 1, 5000, "the task to complete");
  const states = fw.statuses.filter((s) => s.taskId?.value === "raced").map((s) => TaskState[s.state]);
  expect(states.slice(states.indexOf("TASK_RUNNING"))).toEqual(["TASK_RUNNING", "TASK_FINISHED"]);
});

test("re-registering again before the framework acknowledged: the agent answers once", async () => {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
  const link = faultyLink({ dropRunTasks: true, hideTasks: false });
  const { agent, registered } = await attachInMemoryAgent(master, cleanup, { wrapLink: link.wrap });
  const agentId = await registered;
  const fw = await startTestFramework(master.transport, {}, { autoAcknowledge: false });
  cleanup(() => fw.close());
  await fw.launch("lost-launch", "sleep 1000", { cpus: 1 });
  await eventually(() => master.ctx.tasks.onAgentById(agentId, fw.sub.frameworkId, "lost-launch"), 5000, "the master to launch the task");

  link.cut();
  await fw.waitForStatus("lost-launch", TaskState.TASK_LOST, 5000);
  link.cut();
  await eventually(() => link.registrations.length === 3, 5000, "the agent to re-register again");
  expect(link.registrations[2]!.reconciliations.flatMap((r) => r.statuses.map((s) => s.taskId!.value))).toEqual(["lost-launch"]);
  expect(agent.ctx.statusUpdates.pending(fw.sub.frameworkId, "lost-launch")).toHaveLength(1);
});
