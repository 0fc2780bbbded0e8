import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { TaskStatus_Reason, TaskState, TaskStatusSchema } from "@mesos/proto";
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
