/**
 * The agent's HTTP surface: the v1 agent API (`/api/v1`, and the `mesos.v1.agent.Agent` Connect
 * service over the same handler), and health, flags, version and state.
 * Agent endpoints also answer under `/slave(1)/...`, as in Mesos.
 */
import { versionJson } from "@mesos/core";
import { type ConnectApi, guardInterceptor, mountConnect } from "@mesos/rpc";
import { Hono } from "hono";
import { createAgentCallHandler } from "../api/agent-calls.ts";
import { agentGuard } from "../api/agent-guard.ts";
import { agentService } from "../api/agent-service.ts";
import type { AgentContext } from "../context.ts";
import { agentStateJson } from "./state-json.ts";
import { agentApi } from "./v1-agent.ts";

export function createAgentApp(ctx: AgentContext): { app: Hono; connect: ConnectApi } {
  const app = new Hono();
  // One handler and one guard stage for both transports: POST /api/v1 and the mesos.v1.agent.Agent Connect service.
  const handler = createAgentCallHandler(ctx);
  const api = agentApi(handler, agentGuard);
  const both = (path: string) => [path, `/slave(1)${path}`];
  for (const path of both("/api/v1")) app.all(path, (c) => api(c.req.raw));
  app.get("/health", (c) => c.body(null, 200));
  app.get("/version", (c) => c.json(versionJson()));
  for (const path of both("/flags")) app.get(path, (c) => c.json({ flags: ctx.effectiveFlags }));
  for (const path of both("/state")) app.get(path, (c) => c.json(agentStateJson(ctx)));
  const connect: ConnectApi = { routes: agentService(handler), interceptors: [guardInterceptor([agentGuard])] };
  mountConnect(app, connect);
  return { app, connect };
}
