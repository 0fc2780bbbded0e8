/**
 * The agent's v0 `/containers` endpoint in Mesos's JSON shape (what Mesos's own CLI tests poll),
 * and `--systemd_enable_support`, accepted as Mesos's agent accepts it.
 */
import { expect, test } from "bun:test";
import { TaskState } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";

const cleanup = useCleanups();

test("GET /containers lists executor containers with status and statistics; ?container_id= picks one", async () => {
  const { agent, fw } = await startTestCluster(cleanup, { agent: { flags: ["--systemd_enable_support=false"] } });
  expect(agent.ctx.effectiveFlags.systemd_enable_support).toBe("false");
  await fw.launch("c1", "sleep 1000");
  const running = await fw.waitForStatus("c1", TaskState.TASK_RUNNING);
  const containerId = running.containerStatus!.containerId!.value;

  for (const path of ["/containers", "/slave(1)/containers"]) {
    const res = await fetch(`${agent.url}${path}`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      framework_id: fw.sub.frameworkId,
      executor_id: "c1",
      executor_name: "Command Executor (Task: c1)",
      source: "c1",
      container_id: containerId,
      status: { container_id: { value: containerId } },
    });
    expect(list[0]!.statistics).toHaveProperty("timestamp");
  }
  const one = (await (await fetch(`${agent.url}/containers?container_id=${containerId}`)).json()) as unknown[];
  expect(one).toHaveLength(1);
  expect(await (await fetch(`${agent.url}/containers?container_id=other`)).json()).toEqual([]);
});
