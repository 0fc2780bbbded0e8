/** The agent's completed executors: one entry per executor run, at most 150 per framework, oldest dropped first. */
import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { TaskSchema } from "@mesos/proto";
import { CompletedHistory } from "./completed-history.ts";

const executor = (id: string, container = `c-${id}`) => ({ id, name: id, frameworkId: "f", container, directory: `/d/${id}`, source: id });
const task = (id: string) => create(TaskSchema, { taskId: { value: id } });

test("tasks of one executor run share its entry; another run of the same executor id gets its own", () => {
  const history = new CompletedHistory();
  history.taskDone(task("a"), executor("e"));
  history.taskDone(task("b"), executor("e"));
  history.taskDone(task("c"), executor("e", "c-again"));
  expect(history.completedExecutors("f").map((e) => [e.container, e.tasks.map((t) => t.taskId!.value)])).toEqual([
    ["c-e", ["a", "b"]],
    ["c-again", ["c"]],
  ]);
});

test("past 150 executors the oldest goes; a task of it afterwards starts a new entry", () => {
  const history = new CompletedHistory();
  for (let i = 0; i <= 150; i++) history.taskDone(task(`t${i}`), executor(`e${i}`));
  const ids = () => history.completedExecutors("f").map((e) => e.id);
  expect(ids().length).toBe(150);
  expect(ids()[0]).toBe("e1");
  history.taskDone(task("late"), executor("e0"));
  expect(ids().at(-1)).toBe("e0");
  expect(
    history
      .completedExecutors("f")
      .at(-1)!
      .tasks.map((t) => t.taskId!.value),
  ).toEqual(["late"]);
  history.frameworkDone("f");
  expect(history.completedExecutors("f")).toEqual([]);
  history.taskDone(task("after"), executor("e5"));
  expect(ids()).toEqual(["e5"]);
});
