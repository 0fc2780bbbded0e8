/**
 * A client for an agent's `mesos.v1.agent.Agent` Connect service. connect-node over HTTP/1.1:
 * the one transport that streams requests (ATTACH_CONTAINER_INPUT) to Bun.serve.
 */
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { agent } from "@mesos/proto";

export function agentApi(url: string) {
  return createClient(agent.Agent, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));
}

export type AgentApi = ReturnType<typeof agentApi>;
