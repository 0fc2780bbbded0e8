/**
 * The scheduler's SHUTDOWN of an executor and the agent's report that one exited (Mesos's
 * Master::shutdown and Master::exitedExecutor): the executor leaves the ExecutorBook, its resources
 * go back, and its framework, if connected, gets a FAILURE event naming the agent, the executor
 * and its wait status.
 */
import { create } from "@bufbuild/protobuf";
import { internal, scheduler } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";

export function shutdownExecutor(ctx: MasterContext, framework: Framework, call: scheduler.Call_Shutdown): void {
  const agentId = call.agentId!.value;
  const executorId = call.executorId!.value;
  const agent = ctx.agents.get(agentId);
  if (!agent) {
    ctx.log.warn(`Unable to shutdown executor '${executorId}' of framework ${framework.id} of unknown agent ${agentId}`);
    return;
  }
  ctx.log.info(`Processing SHUTDOWN call for executor '${executorId}' of framework ${framework.id} on agent ${agentId}`);
  agent.send(
    create(internal.MasterMessageSchema, {
      message: { case: "shutdownExecutor", value: { frameworkId: { value: framework.id }, executorId: call.executorId } },
    }),
  );
}

export function exitedExecutor(ctx: MasterContext, agent: Agent, exited: internal.ExitedExecutor): void {
  const frameworkId = exited.frameworkId!.value;
  const executorId = exited.executorId!.value;
  if (!ctx.executors.remove(agent.id, frameworkId, executorId)) {
    ctx.log.warn(`Ignoring unknown exited executor '${executorId}' of framework ${frameworkId} on agent ${agent.id}`);
    return;
  }
  ctx.log.info(`Executor '${executorId}' of framework ${frameworkId} on agent ${agent.id}: exited with status ${exited.status}`);
  const framework = ctx.frameworks.get(frameworkId);
  if (!framework?.connected) return;
  framework.send(
    create(scheduler.EventSchema, {
      type: scheduler.Event_Type.FAILURE,
      failure: { agentId: { value: agent.id }, executorId: exited.executorId, status: exited.status },
    }),
  );
}
