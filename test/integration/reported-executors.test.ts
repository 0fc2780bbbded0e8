/**
 * A master that does not know an agent's executors (it failed over) takes them from the agent's
 * report, as Mesos's master takes ReregisterSlaveMessage.executor_infos: a custom executor keeps its
 * type, command and resources (not a DEFAULT executor with none), and one with no task left is
 * there too.
 */
import { expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { ExecutorInfo_Type, internal, TaskState } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

const cpus = (value: number) => ({ name: "cpus", type: 0, scalar: { value } });
const customExecutor = (id: string, share: number) => ({
  executorId: { value: id },
  frameworkId: { value: "fw" },
  type: ExecutorInfo_Type.CUSTOM,
  command: { value: `./${id}` },
  resources: [cpus(share)],
});

test("a re-registering agent's custom executors, with and without tasks, are the master's as reported", async () => {
  const master = await createInMemoryMaster(cleanup);
  const registered = Promise.withResolvers<void>();
  const end = master.agentLinks({ open: () => {}, message: () => registered.resolve(), close: () => {} });
  cleanup(() => end.close(1000, "done"));
  const report = create(internal.AttachRequestSchema, {
    agentInfo: { hostname: "h", id: { value: "agent-1" }, resources: [cpus(4)] },
    endpoint: "http://h:5051",
    frameworks: [{ id: { value: "fw" }, name: "f", user: "root", checkpoint: true }],
    tasks: [
      {
        name: "t",
        taskId: { value: "t" },
        frameworkId: { value: "fw" },
        agentId: { value: "agent-1" },
        executorId: { value: "busy" },
        state: TaskState.TASK_RUNNING,
        resources: [cpus(1)],
      },
    ],
    executorInfos: [customExecutor("busy", 0.5), customExecutor("idle", 0.25)],
  });
  end.send(toBinary(internal.AttachRequestSchema, report));
  await registered.promise;
  await eventually(() => master.ctx.agents.get("agent-1")?.connected === true, 5_000, "the agent re-registered");

  for (const [id, share] of [
    ["busy", 0.5],
    ["idle", 0.25],
  ] as const) {
    const info = master.ctx.executors.get("agent-1", "fw", id)?.info;
    expect(info?.type).toBe(ExecutorInfo_Type.CUSTOM);
    expect(info?.command?.value).toBe(`./${id}`);
    expect(info?.resources.map((r) => [r.name, r.scalar?.value])).toEqual([["cpus", share]]);
  }
});
