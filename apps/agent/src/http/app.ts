/**
 * The agent's HTTP surface: the v1 agent API (`/api/v1`, and the `mesos.v1.agent.Agent` Connect
 * service over the same handler), and health, flags, version, state and metrics.
 * Agent endpoints also answer under `/slave(1)/...`, as in Mesos.
 */
import { MESOS_VERSION, VERSION_TEXT } from "@mesos/core";
import { mountConnect } from "@mesos/rpc";
import { Hono } from "hono";
import { agentService } from "../api/agent-service.ts";
import { createAgentCallHandler } from "../api/agent-calls.ts";
import type { AgentContext } from "../context.ts";
import { agentStateJson } from "./state-json.ts";
import { agentApi } from "./v1-api.ts";

export function createAgentApp(ctx: AgentContext, endpoint: () => string): Hono {
  const app = new Hono();
  // One handler for both transports: POST /api/v1 and the mesos.v1.agent.Agent Connect service.
  const handler = createAgentCallHandler(ctx);
  const api = agentApi(handler);
  const both = (path: string) => [path, `/slave(1)${path}`];
  for (const path of both("/api/v1")) app.all(path, (c) => api(c.req.raw));
  app.get("/health", (c) => c.body(null, 200));
  app.get("/version", (c) => c.json({ version: MESOS_VERSION, build_user: VERSION_TEXT }));
  for (const path of both("/flags")) app.get(path, (c) => c.json({ flags: ctx.effectiveFlags }));
  for (const path of both("/state")) app.get(path, (c) => c.json(agentStateJson(ctx, endpoint())));
  // Minimal until the agent has a metrics registry: the isolators' gauges under Mesos's names.
  app.get("/metrics/snapshot", async (c) => c.json(await ctx.containerizer.metrics()));
  mountConnect(app, agentService(handler));
  return app;
}
