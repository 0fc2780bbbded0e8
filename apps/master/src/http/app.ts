/**
 * The master's HTTP surface on one port: Connect services (scheduler, operator, agent link) and
 * the plain endpoints operators and tools read.
 */
import { mountConnect } from "@mesos/rpc";
import { MESOS_VERSION, VERSION_TEXT } from "@mesos/core";
import { Hono } from "hono";
import { agentLinkService } from "../agents/agent-link-service.ts";
import type { MasterContext } from "../context.ts";
import { operatorService } from "../operator/operator-service.ts";
import { schedulerService } from "../scheduler/scheduler-service.ts";
import { stateJson } from "./v0-json.ts";

export function createMasterApp(ctx: MasterContext): Hono {
  const app = new Hono();
  mountConnect(app, (router) => {
    schedulerService(ctx)(router);
    operatorService(ctx)(router);
    agentLinkService(ctx)(router);
  });
  app.get("/health", (c) => c.body(null, 200));
  app.get("/version", (c) =>
    c.json({ version: MESOS_VERSION, build_user: VERSION_TEXT, build_date: process.env.MESOS_BUILD_TIME ?? "" }),
  );
  app.get("/flags", (c) => c.json({ flags: ctx.effectiveFlags }));
  app.get("/state", (c) => c.json(stateJson(ctx)));
  app.get("/master/state", (c) => c.json(stateJson(ctx)));
  return app;
}
