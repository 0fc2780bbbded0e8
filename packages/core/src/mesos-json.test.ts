import { expect, test } from "bun:test";
import { create, toJson } from "@bufbuild/protobuf";
import { ResourceSchema, TaskIDSchema, TaskInfoSchema, TaskStatus_Reason, TaskState, TaskStatusSchema, Value_Type } from "@mesos/proto";
import { fromMesosJson, toMesosJson } from "./mesos-json.ts";

test("Mesos JSON: snake_case names, enum names, base64 bytes, 64-bit integers as numbers", () => {
  const status = create(TaskStatusSchema, {
    taskId: { value: "t1" },
    state: TaskState.TASK_RUNNING,
    reason: TaskStatus_Reason.RECONCILIATION,
    uuid: new Uint8Array([1, 2, 3]),
    unreachableTime: { nanoseconds: 1_700_000_000_000_000_000n },
  });
  const json = toMesosJson(TaskStatusSchema, status) as Record<string, unknown>;
  expect(json.task_id).toEqual({ value: "t1" });
  expect(json.state).toBe("TASK_RUNNING");
  expect(json.reason).toBe("REASON_RECONCILIATION");
  expect(json.uuid).toBe("AQID");
  expect(json.unreachable_time).toEqual({ nanoseconds: 1_700_000_000_000_000_000 });
  const back = fromMesosJson(TaskStatusSchema, json as never);
  expect(back.state).toBe(TaskState.TASK_RUNNING);
  expect(back.uuid).toEqual(new Uint8Array([1, 2, 3]));
});

test("64-bit integers deep in lists and messages are numbers; messages without any come out as protobuf-es writes them", () => {
  const resource = create(ResourceSchema, {
    name: "ports",
    type: Value_Type.RANGES,
    ranges: { range: [{ begin: 31000n, end: 31005n }] },
    reservations: [{ role: "r", labels: { labels: [{ key: "k", value: "v" }] } }],
  });
  const json = toMesosJson(ResourceSchema, resource) as { ranges: unknown; reservations: unknown };
  expect(json.ranges).toEqual({ range: [{ begin: 31000, end: 31005 }] });
  expect(json.reservations).toEqual([{ role: "r", labels: { labels: [{ key: "k", value: "v" }] } }]);
  const info = create(TaskInfoSchema, { name: "t", taskId: { value: "t" }, agentId: { value: "a" }, resources: [resource] });
  const task = toMesosJson(TaskInfoSchema, info) as { resources: unknown[]; task_id: unknown };
  expect(task.resources[0]).toEqual(json);
  expect(task.task_id).toEqual(toJson(TaskIDSchema, info.taskId!, { useProtoFieldName: true }));
});
