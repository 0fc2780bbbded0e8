/**
 * Reconciliation after a failover, while agents are still coming back: work per call, not per
 * task times agents (a framework reconciles 10,000 tasks while 10,000 agents re-register).
 */
import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { AgentInfoSchema, TaskState } from "@mesos/proto";
import { openSqliteRegistry } from "@mesos/master";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework } from "../support/framework.ts";
import { createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

test("tasks unknown to a master whose agents are still re-registering go unanswered, the registry walked once per call", async () => {
  const registry = openSqliteRegistry(":memory:");
  cleanup(() => registry.close());
  for (let i = 0; i < 50; i++) {
    const id = `agent-${i}`;
    await registry.setAgent(id, {
      info: create(AgentInfoSchema, { hostname: `h${i}`, id: { value: id } }),
      state: "admitted",
      changedAt: Date.now(),
    });
  }
  const master = await createInMemoryMaster(cleanup, { registry });
  let walks = 0;
  const recovered = master.ctx.agents.recovered.bind(master.ctx.agents);
  master.ctx.agents.recovered = () => (walks++, recovered());

  const fw = await startTestFramework(master.transport);
  cleanup(() => fw.close());
  walks = 0;
  await fw.sub.reconcile(Array.from({ length: 1000 }, (_, i) => ({ taskId: `unknown-${i}` })));
  // Any agent still expected may bring these tasks back: no answer yet (the framework asks again).
  await fw.sub.reconcile([{ taskId: "known-nowhere", agentId: "never-admitted" }]);
  const answered = await (async () => {
    for (let i = 0; i < 100 && fw.statuses.length === 0; i++) await Bun.sleep(10);
    return fw.statuses.map((s) => s.taskId!.value);
  })();
  expect(answered).toEqual(["known-nowhere"]);
  expect(fw.statuses[0]!.state).toBe(TaskState.TASK_LOST);
  expect(walks).toBe(1);
});
