import { expect, test } from "bun:test";
import { AgentProbes } from "./reconcile-probes.ts";

const ids = (tasks: { taskId: string }[]) => tasks.map((t) => t.taskId);
const none = () => false;

test("one task per agent not heard of stands for the others, which are asked once the master answers about it", () => {
  const agents = new AgentProbes();
  expect(agents.exhausted).toBe(true);
  agents.scan([
    ["a1", "A"],
    ["a2", "A"],
    ["b1", "B"],
    ["a3", "A"],
    ["b2", "B"],
    ["x", undefined],
  ]);
  expect(agents.exhausted).toBe(false);
  expect(ids(agents.probes())).toEqual(["x", "a1", "b1"]);
  expect(agents.hasFollowUps).toBe(false);

  // The master answers about a1 (its agent is back): A's other tasks are ready, B's are not.
  expect(agents.answered("A")).toBe(true);
  expect(agents.answered("A")).toBe(false);
  expect(agents.heardOf).toBe(1);
  expect(agents.hasFollowUps).toBe(true);
  expect(ids(agents.followUps((taskId) => taskId === "a1"))).toEqual(["a2", "a3"]);
  expect(agents.followUps(none)).toEqual([]);
  // The next round probes B (and the task without an agent) only.
  expect(ids(agents.probes())).toEqual(["x", "b1"]);

  expect(agents.answered("B")).toBe(true);
  expect(ids(agents.followUps(none))).toEqual(["b1", "b2"]);
  // The task without an agent keeps the scan from being exhausted until a new scan finds it answered.
  expect(agents.exhausted).toBe(false);
  agents.scan([]);
  expect(agents.exhausted).toBe(true);
});

test("a new scan asks about the unanswered tasks of agents heard of at once, and probes the others", () => {
  const agents = new AgentProbes();
  agents.scan([
    ["a1", "A"],
    ["b1", "B"],
  ]);
  // An agent the scan did not see (none of its tasks unanswered then) makes nothing ready.
  expect(agents.answered("C")).toBe(false);
  expect(agents.answered("A")).toBe(true);
  expect(agents.exhausted).toBe(false);
  agents.scan([
    ["a1", "A"],
    ["b1", "B"],
    ["b2", "B"],
  ]);
  expect(ids(agents.followUps(none))).toEqual(["a1"]);
  expect(ids(agents.probes())).toEqual(["b1"]);
});
