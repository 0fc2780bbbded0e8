/**
 * Framework messages, as Mesos 1.8's master relays them (Master::message, Master::executorMessage):
 * a scheduler's MESSAGE goes to the agent, which hands it to the executor as a MESSAGE event; an
 * executor's MESSAGE comes from the agent and reaches its framework as a MESSAGE event naming the
 * agent and the executor. Best effort, never retried: a message for an agent that is not connected,
 * or from one whose framework is gone or disconnected, is dropped and counted as invalid.
 */
import { create } from "@bufbuild/protobuf";
import { internal, scheduler } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";

export function frameworkMessage(ctx: MasterContext, framework: Framework, call: scheduler.Call_Message): void {
  ctx.metrics.increment("master/messages_framework_to_executor");
  const agentId = call.agentId!.value;
  const agent = ctx.agents.get(agentId);
  if (!agent?.connected) {
    ctx.log.warn(
      `Cannot send framework message for framework ${framework.id} to agent ${agentId} because agent is ${agent ? "disconnected" : "not registered"}`,
    );
    ctx.metrics.increment("master/invalid_framework_to_executor_messages");
    return;
  }
  agent.send(
    create(internal.MasterMessageSchema, {
      message: {
        case: "frameworkToExecutor",
        value: { frameworkId: { value: framework.id }, executorId: call.executorId, data: call.data },
      },
    }),
  );
  ctx.metrics.increment("master/valid_framework_to_executor_messages");
}

export function executorMessage(ctx: MasterContext, agent: Agent, message: internal.ExecutorToFramework): void {
  ctx.metrics.increment("master/messages_executor_to_framework");
  const frameworkId = message.frameworkId!.value;
  const framework = ctx.frameworks.get(frameworkId);
  if (!framework?.connected) {
    ctx.log.warn(
      `Not forwarding executor message for executor '${message.executorId!.value}' of framework ${frameworkId} because the framework is ${framework ? "disconnected" : "unknown"}`,
    );
    ctx.metrics.increment("master/invalid_executor_to_framework_messages");
    return;
  }
  framework.send(
    create(scheduler.EventSchema, {
      type: scheduler.Event_Type.MESSAGE,
      message: { agentId: { value: agent.id }, executorId: message.executorId, data: message.data },
    }),
  );
  ctx.metrics.increment("master/valid_executor_to_framework_messages");
}
