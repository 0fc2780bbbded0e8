/**
 * The agent's HTTP surface: the v1 agent API (`/api/v1`, and the `mesos.v1.agent.Agent` Connect
 * service over the same handler), and health, flags, version, state, containers, monitor/statistics
 * and metrics (`/metrics/snapshot`, Prometheus `/metrics`). The file API (`/files/browse|read|download|debug`)
 * serves the executors' sandboxes. Every JSON answer takes `?jsonp=`. Agent endpoints also
 * answer under `/slave(1)/...`, as in Mesos (`/version` and `/files` are process-wide there).
 */
import { versionJson } from "@mesos/core";
import { type ConnectApi, guardInterceptor, jsonp, mountConnect, mountFilesHttp, mountLoggingToggle, mountMetrics } from "@mesos/rpc";
import { Hono } from "hono";
import { agentGuard } from "../api/agent-guard.ts";
import { agentService } from "../api/agent-service.ts";
import { createAgentCallHandler } from "../api/agent-calls.ts";
import type { AgentContext } from "../context.ts";
import { summarize } from "../projection/summaries.ts";
import { agentStateJson } from "../projection/v0.ts";
import { containersJson, statisticsJson } from "./containers-json.ts";
import { agentApi } from "./v1-agent.ts";
import { executorApi } from "./v1-executor.ts";

export function createAgentApp(ctx: AgentContext): { app: Hono; connect: ConnectApi } {
  const app = new Hono();
  // `?jsonp=CB` on every v0 JSON endpoint, as libprocess answers it.
  app.use(jsonp());
  // One handler and one guard stage for both transports: POST /api/v1 and the mesos.v1.agent.Agent Connect service.
  const handler = createAgentCallHandler(ctx);
  const api = agentApi(handler, agentGuard);
  const both = (path: string) => [path, `/slave(1)${path}`];
  for (const path of both("/api/v1")) app.all(path, (c) => api(c.req.raw));
  const executors = executorApi(ctx);
  for (const path of both("/api/v1/executor")) app.all(path, (c) => executors(c.req.raw));
  for (const path of both("/health")) app.get(path, (c) => c.body(null, 200));
  app.get("/version", (c) => c.json(versionJson()));
  for (const path of both("/flags")) app.get(path, (c) => c.json({ flags: ctx.effectiveFlags }));
  for (const path of both("/state")) app.get(path, (c) => c.json(agentStateJson(ctx, summarize(ctx))));
  for (const path of both("/containers")) app.get(path, async (c) => c.json(await containersJson(ctx, c.req.query("container_id"))));
  for (const path of both("/monitor/statistics")) app.get(path, async (c) => c.json(await statisticsJson(ctx)));
  mountMetrics(app, ctx.metrics, both("/metrics/snapshot"));
  mountLoggingToggle(app, ctx.loggingLevel);
  mountFilesHttp(app, ctx.files);
  const connect: ConnectApi = { routes: agentService(handler), interceptors: [guardInterceptor([agentGuard])] };
  mountConnect(app, connect);
  return { app, connect };
}
