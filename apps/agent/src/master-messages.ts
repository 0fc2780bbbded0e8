/** What the master tells the agent over the link. */
import { uuidFromBytes } from "@mesos/core";
import { create } from "@bufbuild/protobuf";
import { ExecutorInfo_Type, internal } from "@mesos/proto";
import type { AgentContext } from "./context.ts";
import { shutdownExecutor } from "./tasks/shutdown-executor.ts";
import { shutdownFramework } from "./tasks/shutdown-framework.ts";
import { runTask } from "./tasks/run-task.ts";
import { runTaskGroup } from "./tasks/task-group.ts";
import { applyOperation } from "./operations/apply-operation.ts";
import { runTaskBytes } from "./master-message-decoder.ts";

/** `frame`: the message's bytes, when it came over the link. */
export function handleMasterMessage(ctx: AgentContext, message: internal.MasterMessage, frame?: Uint8Array): void {
  const m = message.message;
  switch (m.case) {
    case "ping":
      ctx.sendToMaster({ case: "pong", value: create(internal.PongSchema) });
      return;
    case "runTask": {
      const { frameworkInfo, task, taskGroup, executor } = m.value;
      if (task?.executor) ctx.customExecutors.run(frameworkInfo!, task.executor, [task], false);
      else if (task) runTask(ctx, frameworkInfo!, task, frame ? runTaskBytes(frame) : {});
      else if (taskGroup && executor?.type === ExecutorInfo_Type.CUSTOM) ctx.customExecutors.run(frameworkInfo!, executor, taskGroup.tasks, true);
      else if (taskGroup && executor) runTaskGroup(ctx, frameworkInfo!, executor, taskGroup);
      else ctx.log.warn("Ignoring RunTask with neither a task nor a task group with its executor");
      return;
    }
    case "killTask":
      ctx.killTask(m.value.frameworkId!.value, m.value.taskId!.value, m.value.killPolicy);
      return;
    case "acknowledgeStatusUpdate":
      // Its custom executor (if any) records it first: the acknowledgement of a terminal update forgets the task.
      ctx.customExecutors.acknowledged(m.value.frameworkId!.value, m.value.taskId!.value, m.value.uuid);
      ctx.statusUpdates.acknowledge(m.value.frameworkId!.value, m.value.taskId!.value, uuidFromBytes(m.value.uuid));
      return;
    case "frameworkToExecutor":
      ctx.customExecutors.frameworkMessage(m.value);
      return;
    case "shutdownFramework":
      shutdownFramework(ctx, m.value.frameworkId!.value);
      return;
    case "shutdownExecutor":
      shutdownExecutor(ctx, m.value.frameworkId!.value, m.value.executorId!.value);
      return;
    case "updateFramework": {
      const info = m.value.frameworkInfo!;
      if (ctx.frameworks.has(info.id!.value)) {
        ctx.frameworks.set(info.id!.value, info);
        ctx.store.saveFramework(info);
      }
      return;
    }
    case "applyOperation":
      applyOperation(ctx, m.value);
      return;
    case "acknowledgeOperationStatus":
      ctx.operationUpdates.acknowledge(uuidFromBytes(m.value.operationUuid), uuidFromBytes(m.value.statusUuid));
      return;
    default:
      ctx.log.warn(`Ignoring unsupported message '${m.case}' from the master`);
  }
}
