/**
 * The agent's v1 API calls as plain functions (an AgentCallHandler): a call in, a Response (or
 * ACCEPTED, HTTP 202) or a stream of ProcessIO out. Both transports wrap the same handler: the
 * Mesos v1 HTTP API (`POST /api/v1`, http/v1-agent.ts) and the `mesos.v1.agent.Agent` Connect
 * service (agent-service.ts). Errors are MesosErrors (not_found 404, invalid 400, conflict 409,
 * internal 500, unimplemented 501).
 */
import { invalid, unimplemented } from "@mesos/core";
import { agent } from "@mesos/proto";
import type { AgentContext } from "../context.ts";
import type { AgentCallHandler, AgentCallReply } from "./agent-call-handler.ts";
import { attachContainerInput, attachContainerOutput, launchNestedContainerSession } from "./attach.ts";
import { getContainersCall, killContainerCall, launchContainerCall, removeContainerCall, waitContainerCall } from "./container-calls.ts";
import { handleInfoCall } from "./info-calls.ts";
import { handleResourceProviderCall } from "./resource-provider-calls.ts";

const T = agent.Call_Type;

export function createAgentCallHandler(ctx: AgentContext): AgentCallHandler {
  return {
    call: (call) => handleAgentCall(ctx, call),
    callOutputStream: (call, signal) => handleAgentOutputCall(ctx, call, signal),
    callInputStream: (calls) => attachContainerInput(ctx, calls),
  };
}

/** Unary calls (everything that neither streams its request nor its response). */
async function handleAgentCall(ctx: AgentContext, call: agent.Call): Promise<AgentCallReply> {
  const info = handleInfoCall(ctx, call) ?? (await handleResourceProviderCall(ctx, call));
  if (info) return info;
  switch (call.type) {
    case T.GET_CONTAINERS:
      return getContainersCall(ctx, call.getContainers);
    case T.LAUNCH_CONTAINER:
      return launchContainerCall(ctx, required(call.launchContainer, "launch_container"));
    case T.LAUNCH_NESTED_CONTAINER:
      return launchContainerCall(ctx, required(call.launchNestedContainer, "launch_nested_container"));
    case T.WAIT_CONTAINER:
      return waitContainerCall(ctx, required(call.waitContainer, "wait_container").containerId, false);
    case T.WAIT_NESTED_CONTAINER:
      return waitContainerCall(ctx, required(call.waitNestedContainer, "wait_nested_container").containerId, true);
    case T.KILL_CONTAINER: {
      const k = required(call.killContainer, "kill_container");
      return killContainerCall(ctx, k.containerId, k.signal);
    }
    case T.KILL_NESTED_CONTAINER: {
      const k = required(call.killNestedContainer, "kill_nested_container");
      return killContainerCall(ctx, k.containerId, k.signal);
    }
    case T.REMOVE_CONTAINER:
      return removeContainerCall(ctx, required(call.removeContainer, "remove_container").containerId);
    case T.REMOVE_NESTED_CONTAINER:
      return removeContainerCall(ctx, required(call.removeNestedContainer, "remove_nested_container").containerId);
    case T.LAUNCH_NESTED_CONTAINER_SESSION:
    case T.ATTACH_CONTAINER_OUTPUT:
      throw invalid(`${T[call.type]} streams its response: use CallOutputStream`);
    case T.ATTACH_CONTAINER_INPUT:
      throw invalid("ATTACH_CONTAINER_INPUT streams its request: use CallInputStream");
    default:
      throw unimplemented(`Agent call ${T[call.type] ?? call.type} is not supported yet`);
  }
}

/** LAUNCH_NESTED_CONTAINER_SESSION and ATTACH_CONTAINER_OUTPUT; `signal` aborts when the client goes. */
async function handleAgentOutputCall(ctx: AgentContext, call: agent.Call, signal: AbortSignal) {
  switch (call.type) {
    case T.LAUNCH_NESTED_CONTAINER_SESSION:
      return launchNestedContainerSession(ctx, required(call.launchNestedContainerSession, "launch_nested_container_session"), signal);
    case T.ATTACH_CONTAINER_OUTPUT:
      return attachContainerOutput(ctx, required(call.attachContainerOutput, "attach_container_output"), signal);
    default:
      throw invalid(`Only LAUNCH_NESTED_CONTAINER_SESSION and ATTACH_CONTAINER_OUTPUT stream their response, not ${T[call.type] ?? call.type}`);
  }
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw invalid(`Expecting '${field}' to be present`);
  return value;
}
