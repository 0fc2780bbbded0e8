/** The agent's HTTP surface: health, flags, version and state and the agent's v1 API as the `mesos.v1.agent.Agent` Connect service. */
import { MESOS_VERSION, VERSION_TEXT } from "@mesos/core";
import { mountConnect } from "@mesos/rpc";
import { Hono } from "hono";
import { agentService } from "../api/agent-service.ts";
import type { AgentContext } from "../context.ts";
import { agentStateJson } from "./state-json.ts";

export function createAgentApp(ctx: AgentContext, endpoint: () => string): Hono {
  const app = new Hono();
  app.get("/health", (c) => c.body(null, 200));
  app.get("/version", (c) => c.json({ version: MESOS_VERSION, build_user: VERSION_TEXT }));
  app.get("/flags", (c) => c.json({ flags: ctx.effectiveFlags }));
  app.get("/state", (c) => c.json(agentStateJson(ctx, endpoint())));
  app.get("/slave(1)/state", (c) => c.json(agentStateJson(ctx, endpoint())));
  mountConnect(app, agentService(ctx));
  return app;
}
