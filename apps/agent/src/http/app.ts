/** The agent's HTTP surface: health, flags, version and state (the v1 agent API joins later). */
import { MESOS_VERSION, VERSION_TEXT } from "@mesos/core";
import { Hono } from "hono";
import type { AgentContext } from "../context.ts";
import { agentStateJson } from "./state-json.ts";

export function createAgentApp(ctx: AgentContext, endpoint: () => string): Hono {
  const app = new Hono();
  app.get("/health", (c) => c.body(null, 200));
  app.get("/version", (c) => c.json({ version: MESOS_VERSION, build_user: VERSION_TEXT }));
  app.get("/flags", (c) => c.json({ flags: ctx.effectiveFlags }));
  app.get("/state", (c) => c.json(agentStateJson(ctx, endpoint())));
  app.get("/slave(1)/state", (c) => c.json(agentStateJson(ctx, endpoint())));
  return app;
}
