/**
 * Status updates from agents: recorded on the master's copy of the task and relayed to the
 * framework with the agent's uuid, so the framework's acknowledgement can travel back. An update
 * the framework has already acknowledged (resent by an agent that lost the acknowledgement) is
 * acknowledged by the master and not relayed again.
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { isTerminalState, uuidFromBytes } from "@mesos/core";
import { internal } from "@mesos/proto";
import { acknowledgementFrame } from "../agents/acknowledgement-frame.ts";
import type { Agent } from "../agents/agent.ts";
import type { MasterContext } from "../context.ts";
import { relayedUpdateEvent, statusBytesIn } from "./relayed-status.ts";

/** `frame`: the AgentMessage the update came in, whose status bytes the UPDATE event carries (relayed-status.ts). */
export function handleStatusUpdate(ctx: MasterContext, agent: Agent, update: internal.StatusUpdate, frame?: Uint8Array): void {
  ctx.metrics.increment("master/messages_status_update");
  const frameworkId = update.frameworkId!.value;
  const status = update.status!;
  const taskId = status.taskId!.value;
  const framework = ctx.frameworks.get(frameworkId);
  if (!framework) {
    ctx.metrics.increment("master/invalid_status_updates");
    ctx.log.warn(`Ignoring status update for task ${taskId} of unknown framework ${frameworkId}`);
    return;
  }
  if (ctx.tasks.wasAcknowledged(frameworkId, taskId, status.uuid)) {
    // The agent lost the acknowledgement (it died before checkpointing it): Mesos would show the
    // framework the update again; the master acknowledges it on the framework's behalf instead.
    ctx.metrics.increment("master/resent_status_updates_acknowledged");
    ctx.log.info(
      `Status update ${uuidFromBytes(status.uuid)} for task ${taskId} was already acknowledged by framework ${frameworkId}; acknowledging it to agent ${agent.id}`,
    );
    agent.send(acknowledgementFrame(frameworkId, taskId, status.uuid));
    // A terminal one: the re-registering agent reported the task again (it had not checkpointed the
    // acknowledgement); acknowledged, it is done, as after the framework's own acknowledgement.
    const adopted = ctx.tasks.onAgentById(agent.id, frameworkId, taskId);
    if (adopted && isTerminalState(status.state)) ctx.tasks.complete(adopted);
    return;
  }
  const task = ctx.tasks.active(frameworkId).get(taskId) ?? ctx.tasks.onAgentById(agent.id, frameworkId, taskId);
  const latest = isFieldSet(update, internal.StatusUpdateSchema.field.latestState!) ? update.latestState : undefined;
  if (task) ctx.tasks.transition(task, status, latest);
  else ctx.log.warn(`Status update for unknown task ${taskId} of framework ${frameworkId}; relaying it anyway`);
  ctx.metrics.increment("master/valid_status_updates");
  if (!framework.send(relayedUpdateEvent(status, frame && statusBytesIn(frame)))) {
    ctx.log.info(`Framework ${frameworkId} is disconnected; the agent will retry the update for task ${taskId}`);
  }
}
