/** The TaskLedger moves tasks between its lists, tells operator subscribers, and frees resources once. */
import { describe, expect, test } from "bun:test";
import { create, isFieldSet } from "@bufbuild/protobuf";
import { createLogger, ManualClock, Metrics } from "@mesos/core";
import { master, type Task, TaskSchema, TaskState, TaskStatusSchema } from "@mesos/proto";
import { AcknowledgedUpdates } from "./acknowledged-updates.ts";
import { TaskLedger } from "./task-ledger.ts";

function setup(maxCompletedPerFramework = 1000) {
  const recovered: string[] = [];
  let triggers = 0;
  const events: master.Event[] = [];
  const ledger = new TaskLedger({
    clock: new ManualClock(),
    metrics: new Metrics(),
    maxCompletedPerFramework,
    allocator: { recoverResources: (f, a, r) => recovered.push(`${f}@${a}: ${r}`) },
    events: { publish: (build) => events.push(build()) },
    acknowledged: new AcknowledgedUpdates({ store: { writeAcknowledgements: async () => {} }, log: createLogger({ name: "test", level: "error" }) }),
    triggerAllocation: () => triggers++,
  });
  /** The operator events published since the last call. */
  const published = () => events.splice(0).map((e) => master.Event_Type[e.type]);
  return { ledger, recovered, triggers: () => triggers, published };
}

const task = (id: string, framework = "f", agent = "a"): Task =>
  create(TaskSchema, {
    taskId: { value: id },
    frameworkId: { value: framework },
    agentId: { value: agent },
    state: TaskState.TASK_STAGING,
    resources: [{ name: "cpus", type: 0, scalar: { value: 1 } }],
  });
const status = (id: string, state: TaskState) => create(TaskStatusSchema, { taskId: { value: id }, state });

describe("TaskLedger", () => {
  test("launch puts a task on its framework and its agent, and tells subscribers", () => {
    const { ledger, published } = setup();
    ledger.launch(task("t1"));
    expect([...ledger.active("f").keys()]).toEqual(["t1"]);
    expect(ledger.onAgent("a").map((t) => t.taskId!.value)).toEqual(["t1"]);
    expect(ledger.usedOn("a").get("f")?.toString()).toBe("cpus:1");
    expect(published()).toEqual(["TASK_ADDED"]);
  });

  test("a terminal status frees the task's resources once; complete moves it to the completed list", () => {
    const { ledger, recovered, triggers, published } = setup();
    const t = task("t1");
    ledger.launch(t);
    published();
    ledger.transition(t, status("t1", TaskState.TASK_RUNNING));
    ledger.transition(t, status("t1", TaskState.TASK_FINISHED));
    ledger.transition(t, status("t1", TaskState.TASK_FINISHED)); // a retried update
    expect(recovered).toEqual(["f@a: cpus:1"]);
    expect(triggers()).toBe(1);
    expect(published()).toEqual(["TASK_UPDATED", "TASK_UPDATED"]);
    expect(ledger.usedOn("a").size).toBe(0);
    ledger.complete(t);
    expect(ledger.active("f").size).toBe(0);
    expect(ledger.onAgent("a")).toEqual([]);
    expect(ledger.completed("f").map((x) => x.taskId!.value)).toEqual(["t1"]);
    expect(recovered).toHaveLength(1);
  });

  test("statuses are kept as Mesos keeps them: without data, one per run of the same state", () => {
    const { ledger } = setup();
    const t = task("t1");
    ledger.launch(t);
    const withData = (state: TaskState, byte: number) => create(TaskStatusSchema, { taskId: { value: "t1" }, state, data: new Uint8Array([byte]) });
    const forwarded = withData(TaskState.TASK_RUNNING, 1);
    ledger.transition(t, status("t1", TaskState.TASK_STARTING));
    ledger.transition(t, forwarded);
    ledger.transition(t, withData(TaskState.TASK_RUNNING, 2)); // e.g. a health check's update
    expect(t.statuses.map((s) => TaskState[s.state])).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
    expect(t.statuses.map((s) => isFieldSet(s, TaskStatusSchema.field.data))).toEqual([false, false]);
    expect([...forwarded.data]).toEqual([1]);
  });

  test("a task completed by decree (not terminal) frees its resources", () => {
    const { ledger, recovered } = setup();
    const t = task("t1");
    ledger.launch(t);
    ledger.complete(t);
    expect(recovered).toEqual(["f@a: cpus:1"]);
  });

  test("unreachable tasks leave the agent and come back when it reports them", () => {
    const { ledger } = setup();
    const t = task("t1");
    ledger.launch(t);
    ledger.markUnreachable(t, status("t1", TaskState.TASK_UNREACHABLE));
    expect(ledger.active("f").size).toBe(0);
    expect(ledger.unreachable("f").get("t1")?.state).toBe(TaskState.TASK_UNREACHABLE);
    expect(ledger.onAgent("a")).toEqual([]);
    expect(ledger.known("f", "t1")).toBe(t);
    expect(ledger.knownOf("f")("t1")).toBe(t);

    const reported = task("t1");
    reported.state = TaskState.TASK_RUNNING;
    expect(ledger.adopt(reported)).toBe(t);
    expect(t.state).toBe(TaskState.TASK_RUNNING);
    expect(ledger.unreachable("f").size).toBe(0);
    expect(ledger.onAgent("a")).toEqual([t]);
  });

  test("knownOf finds what known finds, for many tasks of one framework", () => {
    const { ledger } = setup();
    const t1 = task("t1");
    const t2 = task("t2");
    ledger.launch(t1);
    ledger.launch(t2);
    ledger.launch(task("t3", "g"));
    ledger.markUnreachable(t2, status("t2", TaskState.TASK_UNREACHABLE));
    const known = ledger.knownOf("f");
    expect(["t1", "t2", "t3"].map(known)).toEqual(["t1", "t2", "t3"].map((id) => ledger.known("f", id)));
    expect(["t1", "t2", "t3"].map(known)).toEqual([t1, t2, undefined]);
    expect(ledger.knownOf("h")("t1")).toBeUndefined();
  });

  test("resetAgent returns what the master believed and empties the agent", () => {
    const { ledger } = setup();
    ledger.launch(task("t1"));
    ledger.launch(task("t2", "g"));
    ledger.launch(task("t3", "f", "b"));
    expect(
      ledger
        .resetAgent("a")
        .map((t) => t.taskId!.value)
        .sort(),
    ).toEqual(["t1", "t2"]);
    expect(ledger.onAgent("a")).toEqual([]);
    expect(ledger.onAgent("b")).toHaveLength(1);
  });

  test("removeFramework kills running tasks by decree, completes them all, and keeps nothing on agents", () => {
    const { ledger, published, recovered } = setup();
    const running = task("run");
    const done = task("done", "f", "b");
    ledger.launch(running);
    ledger.launch(done);
    ledger.transition(done, status("done", TaskState.TASK_FINISHED));
    published();
    const agents = ledger.removeFramework("f", (t) => status(t.taskId!.value, TaskState.TASK_KILLED));
    expect([...agents].sort()).toEqual(["a", "b"]);
    expect(running.state).toBe(TaskState.TASK_KILLED);
    expect(published()).toEqual(["TASK_UPDATED"]);
    expect(ledger.completed("f").map((t) => t.taskId!.value)).toEqual(["run", "done"]);
    expect(ledger.onAgent("a")).toEqual([]);
    // The allocator takes a removed framework's resources back as a whole: nothing recovered here.
    expect(recovered).toEqual(["f@b: cpus:1"]);
    ledger.forgetFramework("f");
    expect(ledger.completed("f")).toEqual([]);
  });

  test("keeps the last --max_completed_tasks_per_framework completed tasks", () => {
    const { ledger } = setup(2);
    for (const id of ["a1", "a2", "a3"]) {
      const t = task(id);
      ledger.launch(t);
      ledger.complete(t);
    }
    expect(ledger.completed("f").map((t) => t.taskId!.value)).toEqual(["a2", "a3"]);
  });

  test("an agent re-registering reads only its own tasks (10,000 agents re-register at once after a failover)", () => {
    const { ledger } = setup();
    // Tasks that count how often their resources are read.
    let reads = 0;
    const counted = (id: string, framework: string, agent: string) => {
      const t = task(id, framework, agent);
      const resources = t.resources;
      Object.defineProperty(t, "resources", {
        get: () => (reads++, resources),
        set: () => {},
      });
      return t;
    };
    for (let a = 0; a < 100; a++) for (let i = 0; i < 10; i++) ledger.adopt(counted(`t${a}-${i}`, `f${i % 3}`, `agent${a}`));
    reads = 0;
    const believed = ledger.resetAgent("agent7");
    for (const t of believed) ledger.adopt(t);
    const used = ledger.usedOn("agent7");
    expect([...used.values()].map(String).sort()).toEqual(["cpus:3", "cpus:3", "cpus:4"]);
    // usedOn reads each of the agent's 10 tasks once; none of the other 990.
    expect(reads).toBe(10);
  });
});
