/**
 * A master restart on the same work dir: the registry still knows the agent, the agent
 * re-registers with its id and its running tasks, and the framework re-subscribes with its id.
 */
import { expect, test } from "bun:test";
import { createOperatorClient } from "@mesos/client";
import { TaskState } from "@mesos/proto";
import { eventually, freePort, startTestAgent, startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework } from "../support/framework.ts";

const cleanup = useCleanups();

test("agents, tasks and frameworks come back after a master restart", async () => {
  const port = freePort();
  const workDir = tempDir("master");
  const flags = [`--work_dir=${workDir}`, `--port=${port}`];
  let master = await startTestMaster({ flags });
  const agent = await startTestAgent(master);
  cleanup(() => agent.stop());
  const agentId = await agent.registered;
  const fw = await startTestFramework(master.url, { failoverTimeout: 3600, checkpoint: true });
  const [offer] = await fw.nextOffers();
  await fw.sub.accept(
    [offer!.id!.value],
    [
      {
        type: 1,
        launch: {
          taskInfos: [
            {
              name: "long",
              taskId: { value: "long" },
              agentId: offer!.agentId,
              command: { value: "sleep 1000" },
              resources: [{ name: "cpus", type: 0, scalar: { value: 0.5 } }],
            },
          ],
        },
      },
    ],
  );
  await fw.waitForStatus("long", TaskState.TASK_RUNNING);
  fw.close();
  await master.stop();

  master = await startTestMaster({ flags });
  cleanup(() => master.stop());
  const operator = createOperatorClient(master.url);
  const agents = await eventually(
    async () => {
      const a = await operator.getAgents();
      return a.agents.length === 1 ? a : undefined;
    },
    10_000,
    "the agent to re-register",
  );
  expect(agents.agents[0]!.agentInfo!.id!.value).toBe(agentId);
  expect(agents.agents[0]!.allocatedResources.find((r) => r.name === "cpus")?.scalar?.value).toBe(0.5);

  const recovered = await operator.getFrameworks();
  expect(recovered.recoveredFrameworks.map((f) => f.id!.value)).toEqual([fw.sub.frameworkId]);

  const again = await startTestFramework(master.url, { id: { value: fw.sub.frameworkId }, failoverTimeout: 3600, checkpoint: true });
  cleanup(() => again.close());
  await again.sub.reconcile([{ taskId: "long", agentId }]);
  const status = await eventually(() => again.statuses.find((s) => s.taskId?.value === "long"), 5000, "reconciliation");
  expect(status.state).toBe(TaskState.TASK_RUNNING);
  await again.sub.kill("long");
  await again.waitForStatus("long", TaskState.TASK_KILLED);
});
