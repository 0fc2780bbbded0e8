import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { type Task, TaskSchema } from "@mesos/proto";
import { compareIn, mergedPage, sortedTasks, type TaskOrder } from "./task-order.ts";

test("a page of the frameworks' sorted lists merged is the page of all their tasks sorted (ties, missing statuses, repeated ids)", () => {
  let seed = 11;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const int = (n: number) => Math.floor(random() * n);
  for (let round = 0; round < 300; round++) {
    const lists: Task[][] = Array.from({ length: 1 + int(4) }, (_, f) =>
      Array.from({ length: int(12) }, (_, k) =>
        create(TaskSchema, {
          taskId: { value: `t${int(6)}` },
          name: `f${f}-${k}`,
          statuses: random() < 0.2 ? [] : [{ timestamp: int(4) }],
        }),
      ),
    );
    const order: TaskOrder = random() < 0.5 ? "asc" : "des";
    const [offset, limit] = [int(10), 1 + int(15)];
    const all = lists.flat().sort(compareIn(order));
    const owners = lists.map(() => ({}));
    const sorted = lists.map((list, i) => sortedTasks(owners[i]!, 1, () => [...list], order));
    expect(mergedPage(sorted, order, offset, limit).map((t) => t.name)).toEqual(all.slice(offset, offset + limit).map((t) => t.name));
  }
});

test("an owner's sorted tasks are kept while its revision holds, per order", () => {
  const owner = {};
  const tasks = (...ids: string[]) => ids.map((id) => create(TaskSchema, { taskId: { value: id }, name: id }));
  const names = (list: Task[]) => list.map((t) => t.name);
  expect(names(sortedTasks(owner, 1, () => tasks("b", "a"), "asc"))).toEqual(["a", "b"]);
  expect(names(sortedTasks(owner, 1, () => tasks("c"), "asc"))).toEqual(["a", "b"]);
  expect(names(sortedTasks(owner, 1, () => tasks("b", "a"), "des"))).toEqual(["b", "a"]);
  expect(names(sortedTasks(owner, 2, () => tasks("c"), "asc"))).toEqual(["c"]);
});
