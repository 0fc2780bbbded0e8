/**
 * What the agent's v1 call handlers return, independent of the transport. The Connect service
 * (agent-service.ts) and the Mesos v1 HTTP adapter (`POST /api/v1`) both wrap these; errors are
 * MesosErrors (not_found -> 404, invalid -> 400, conflict -> 409, internal -> 500, ...).
 */
import type { agent } from "@mesos/proto";

/** A unary call: a response (HTTP 200), or `accepted` (HTTP 202, no body). */
export type CallResult = { kind: "response"; response: agent.Response } | { kind: "accepted" };

/** A call whose answer is a stream of ProcessIO (HTTP 200 with RecordIO), or `accepted` (202, no stream). */
export type OutputResult = { kind: "stream"; stream: AsyncIterable<agent.ProcessIO> } | { kind: "accepted" };
