/** What agents send the master on their link (agent-link-session.ts): pongs, status updates, executor and resource provider news. */
import { failedPrecondition, notFound, unimplemented } from "@mesos/core";
import type { internal } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { exitedExecutor } from "../executors/executor-calls.ts";
import { executorMessage } from "../executors/framework-messages.ts";
import { handleStatusUpdate } from "../tasks/status-update.ts";
import { onPong } from "./health.ts";
import { handleOperationStatusUpdate } from "../operations/operation-feedback.ts";
import { updateAgentState } from "./resource-providers.ts";

/** `frame`: the message's bytes, when it came over a link (a status update relays its status's bytes). */
export function handleAgentMessage(ctx: MasterContext, msg: internal.AgentMessage, frame?: Uint8Array): void {
  const agentId = msg.agentId?.value ?? "";
  const agent = ctx.agents.get(agentId);
  if (!agent) throw notFound(`Agent ${agentId} is not registered`);
  if (agent.link?.connectionId !== msg.connectionId) {
    // A message from a superseded connection: the agent must re-attach before it is heard.
    throw failedPrecondition(`Agent ${agentId} sent on a stale connection; re-attach first`);
  }
  switch (msg.message.case) {
    case "pong":
      onPong(agent);
      return;
    case "statusUpdate":
      handleStatusUpdate(ctx, agent, msg.message.value, frame);
      return;
    case "exitedExecutor":
      exitedExecutor(ctx, agent, msg.message.value);
      return;
    case "executorToFramework":
      executorMessage(ctx, agent, msg.message.value);
      return;
    case "operationStatusUpdate":
      handleOperationStatusUpdate(ctx, agent, msg.message.value);
      return;
    case "updateState":
      updateAgentState(ctx, agent, msg.message.value);
      return;
    default:
      throw unimplemented(`Unsupported agent message '${msg.message.case ?? "none"}'`);
  }
}
