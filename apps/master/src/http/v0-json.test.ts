import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { parseResources } from "@mesos/core";
import { ContainerInfo_Type, TaskSchema, TaskState, TaskStatus_Reason, TaskStatus_Source, TaskStatusSchema } from "@mesos/proto";
import { taskJson, taskJsonText } from "./v0-json.ts";

/** Every combination of the fields a v0 task writes after its statuses, with 0, 1 and 3 statuses. */
function* taskShapes() {
  const statuses = [
    create(TaskStatusSchema, {
      taskId: { value: "t" },
      state: TaskState.TASK_STARTING,
      source: TaskStatus_Source.EXECUTOR,
      uuid: new Uint8Array([1, 2]),
    }),
    create(TaskStatusSchema, {
      taskId: { value: "t" },
      state: TaskState.TASK_FAILED,
      message: 'quote " backslash \\ newline \n ünï 😀',
      reason: TaskStatus_Reason.CONTAINER_LIMITATION_MEMORY,
      timestamp: 1.5,
      healthy: false,
      labels: { labels: [{ key: "k", value: "v" }] },
      unreachableTime: { nanoseconds: 2n ** 62n },
      containerStatus: { containerId: { value: "c" }, networkInfos: [{ ipAddresses: [{ ipAddress: "10.0.0.1" }] }] },
    }),
    create(TaskStatusSchema, { taskId: { value: "t" }, state: TaskState.TASK_RUNNING, data: new Uint8Array([0, 255]) }),
  ];
  for (let tail = 0; tail < 32; tail++) {
    for (const count of [0, 1, 3]) {
      yield create(TaskSchema, {
        name: `task "${tail}"`,
        taskId: { value: `t-${tail}-${count}` },
        frameworkId: { value: "f" },
        agentId: { value: "a" },
        ...(tail & 1 ? { executorId: { value: "e" } } : {}),
        state: TaskState.TASK_RUNNING,
        resources: (tail & 1 ? parseResources("cpus:0.5;mem:32;ports:[31000-31001]").allocate("r") : parseResources("cpus:1")).toArray(),
        statuses: statuses.slice(0, count),
        ...(tail & 2 ? { user: "ü" } : {}),
        ...(tail & 4 ? { labels: { labels: [{ key: "a", value: "b" }, { key: "c" }] } } : {}),
        ...(tail & 8 ? { discovery: { visibility: 0, name: "d", ports: { ports: [{ number: 80, protocol: "tcp" }] } } } : {}),
        ...(tail & 16 ? { container: { type: ContainerInfo_Type.MESOS, volumes: [{ containerPath: "/x", mode: 1 }] } } : {}),
      });
    }
  }
}

test("taskJsonText is JSON.stringify(taskJson(task)) for every combination of optional fields", () => {
  let shapes = 0;
  for (const task of taskShapes()) {
    expect(taskJsonText(task)).toBe(JSON.stringify(taskJson(task)));
    shapes++;
  }
  expect(shapes).toBe(96);
});
