/** The agent's checkpoints: what the prepared statements write is what recovery reads back. */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { FrameworkInfoSchema, TaskInfoSchema, TaskState, TaskStatusSchema } from "@mesos/proto";
import { createAgentStore } from "./agent-store.ts";

const info = (id: string, name = "t") => create(TaskInfoSchema, { name, taskId: { value: id }, agentId: { value: "a" } });
const status = (task: string, byte: number) =>
  create(TaskStatusSchema, { taskId: { value: task }, state: TaskState.TASK_RUNNING, uuid: new Uint8Array(16).fill(byte) });

test("tasks: saved, saved again (upsert), their state changed with its update, kill marked, removed; as a restarted agent reads them", () => {
  const dir = mkdtempSync(join(tmpdir(), "agent-store-"));
  try {
    const path = join(dir, "agent.db");
    let store = createAgentStore(path);
    store.saveTask({ frameworkId: "f", info: info("t1"), state: TaskState.TASK_STAGING, containerId: "c1", killRequested: false });
    store.saveTask({ frameworkId: "f", info: info("t2"), state: TaskState.TASK_STAGING, containerId: "c2", killRequested: false });
    store.saveTask({ frameworkId: "f", info: info("t1", "renamed"), state: TaskState.TASK_STARTING, containerId: "c1b", killRequested: true });
    store.reportTaskStatus({ frameworkId: "f", taskId: "t2", status: status("t2", 1) });
    store.markKillRequested("f", "t2");
    const killing = status("t1", 2);
    killing.state = TaskState.TASK_KILLING;
    store.reportTaskStatus({ frameworkId: "f", taskId: "t1", status: killing });
    store.close();
    store = createAgentStore(path);
    const tasks = new Map(store.tasks().map((t) => [t.info.taskId!.value, t]));
    expect(tasks.get("t1")).toMatchObject({ state: TaskState.TASK_KILLING, containerId: "c1b", killRequested: true });
    expect(tasks.get("t1")!.info.name).toBe("renamed");
    expect(tasks.get("t2")).toMatchObject({ state: TaskState.TASK_RUNNING, containerId: "c2", killRequested: true });
    expect(store.statusUpdates.loadAll().map((u) => [u.taskId, TaskState[u.status.state]])).toEqual([
      ["t2", "TASK_RUNNING"],
      ["t1", "TASK_KILLING"],
    ]);
    store.removeTask("f", "t1");
    expect(store.tasks().map((t) => t.info.taskId!.value)).toEqual(["t2"]);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("status updates come back oldest first, without the acknowledged ones", () => {
  const store = createAgentStore(":memory:");
  const updates = [status("t1", 1), status("t2", 2), status("t1", 3)].map((s) => ({ frameworkId: "f", taskId: s.taskId!.value, status: s }));
  for (const u of updates) store.statusUpdates.append(u);
  store.statusUpdates.remove(updates[0]!);
  expect(store.statusUpdates.loadAll().map((u) => [u.taskId, u.status.uuid[0]])).toEqual([
    ["t2", 2],
    ["t1", 3],
  ]);
  store.close();
});

test("an update stored without a state (a reconciliation's answer) leaves its task's state", () => {
  const store = createAgentStore(":memory:");
  store.saveTask({ frameworkId: "f", info: info("t1"), state: TaskState.TASK_STARTING, containerId: "c1", killRequested: false });
  store.statusUpdates.append({ frameworkId: "f", taskId: "t1", status: status("t1", 1) });
  expect(store.tasks()[0]!.state).toBe(TaskState.TASK_STARTING);
  expect(store.statusUpdates.loadAll()).toHaveLength(1);
  store.close();
});

test("a RunTask's framework and task are checkpointed as the bytes the master sent, and read back as those messages", () => {
  const store = createAgentStore(":memory:");
  const fw = create(FrameworkInfoSchema, { id: { value: "f" }, user: "u", name: "sent" });
  const task = info("t1", "sent");
  // Views into a larger frame, as the link's decoder hands them over.
  const frame = new Uint8Array([9, 9, ...toBinary(FrameworkInfoSchema, fw), 9, ...toBinary(TaskInfoSchema, task), 9]);
  const fwBytes = frame.subarray(2, 2 + toBinary(FrameworkInfoSchema, fw).length);
  const taskBytes = frame.subarray(fwBytes.byteOffset + fwBytes.length + 1, frame.length - 1);
  // The decoded messages differ from the bytes here only to show which the store wrote.
  store.saveFramework(create(FrameworkInfoSchema, { id: { value: "f" }, user: "u", name: "decoded" }), fwBytes);
  store.saveTask(
    { frameworkId: "f", info: info("t1", "decoded"), state: TaskState.TASK_STAGING, containerId: "c1", killRequested: false },
    taskBytes,
  );
  expect(store.frameworks().map((f) => f.name)).toEqual(["sent"]);
  expect(store.tasks().map((t) => t.info.name)).toEqual(["sent"]);
  store.close();
});

test("a framework's info is rewritten when it changes, and again after the framework was removed", () => {
  const store = createAgentStore(":memory:");
  const fw = (name: string) => create(FrameworkInfoSchema, { id: { value: "f" }, user: "u", name });
  store.saveFramework(fw("one"));
  store.saveFramework(fw("one"));
  expect(store.frameworks().map((f) => f.name)).toEqual(["one"]);
  store.saveFramework(fw("two"));
  expect(store.frameworks().map((f) => f.name)).toEqual(["two"]);
  store.removeFramework("f");
  expect(store.frameworks()).toEqual([]);
  store.saveFramework(fw("two"));
  expect(store.frameworks().map((f) => f.name)).toEqual(["two"]);
  store.close();
});

test("an idle framework's row stays (its next launch writes nothing) until a shutdown, recovery, or 50 more idle ones", () => {
  const store = createAgentStore(":memory:");
  const fw = (id: string) => create(FrameworkInfoSchema, { id: { value: id }, user: "u", name: id });
  const ids = () => store.frameworks().map((f) => f.id!.value);
  store.saveFramework(fw("f"));
  store.frameworkIdle("f");
  expect(ids()).toEqual(["f"]);
  // Launching again makes it busy: it is not among the idle rows that go first.
  store.saveFramework(fw("f"));
  for (let i = 0; i < 50; i++) {
    store.saveFramework(fw(`idle-${i}`));
    store.frameworkIdle(`idle-${i}`);
  }
  expect(ids()).toHaveLength(51);
  store.frameworkIdle("f");
  // 51 idle rows: the oldest idle one (not "f", idle last) goes.
  expect(ids()).not.toContain("idle-0");
  expect(ids()).toContain("f");
  expect(ids()).toHaveLength(50);
  store.removeFrameworkRow("f");
  expect(ids()).not.toContain("f");
  // A removed row is written again on the next save (the skip of identical writes forgot it).
  store.saveFramework(fw("f"));
  expect(ids()).toContain("f");
  store.close();
});
