/**
 * The contract between the agent's v1 API calls and the transports that carry them (the Mesos v1
 * HTTP API, http/v1-agent.ts, and the `mesos.v1.agent.Agent` Connect service, agent-service.ts):
 * plain functions from a call to a reply. Handlers throw MesosError for an error status.
 */
import type { agent } from "@mesos/proto";

/** A bare 202 Accepted: nothing to answer (e.g. the container already exists). */
export const ACCEPTED = "accepted";
/** What a call answers: a Response (200 with it as the body; one without a type: 200, no body), or 202. */
export type AgentCallReply = agent.Response | typeof ACCEPTED;

/** The agent's calls. `signal` aborts when the client goes away (a session container must then be destroyed). */
export interface AgentCallHandler {
  /** Every call that is neither streamed in nor out. */
  call(call: agent.Call, signal: AbortSignal): AgentCallReply | Promise<AgentCallReply>;
  /**
   * LAUNCH_NESTED_CONTAINER_SESSION and ATTACH_CONTAINER_OUTPUT: the container's output. Resolve
   * once the call is accepted (reject for an error status) with the stream, or ACCEPTED for 202
   * without a stream. A bare async iterable also works: its first item is awaited before answering,
   * so errors it throws at once still become statuses.
   */
  callOutputStream?(
    call: agent.Call,
    signal: AbortSignal,
  ): AsyncIterable<agent.ProcessIO> | Promise<AsyncIterable<agent.ProcessIO> | typeof ACCEPTED>;
  /**
   * ATTACH_CONTAINER_INPUT: the first call (attach_container_input of type CONTAINER_ID) and then
   * every later one, as the client sends them; the answer is sent when this resolves.
   */
  callInputStream?(calls: AsyncIterable<agent.Call>, signal: AbortSignal): Promise<AgentCallReply>;
}
