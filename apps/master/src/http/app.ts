/**
 * The master's HTTP surface on one port: Connect services (scheduler, operator), the
 * Mesos v1 HTTP API over the same handlers, and the plain v0 endpoints operators and tools read.
 * Master endpoints answer under `/master/...` too, as in Mesos (`/metrics/snapshot` and
 * `/version` are process-wide there, so they have no alias). `/files/*` serves the master's log,
 * `/metrics` the metrics registry in Prometheus's format, `/` the web UI; every JSON answer takes `?jsonp=`.
 */
import {
  type CallShortcut,
  type ConnectApi,
  guardInterceptor,
  jsonp,
  mountConnect,
  mountFilesHttp,
  mountLoggingToggle,
  mountMetrics,
} from "@mesos/rpc";
import { versionJson } from "@mesos/core";
import { scheduler } from "@mesos/proto";
import { type Context, Hono } from "hono";
import type { MasterContext } from "../context.ts";
import type { EventQueue } from "../metrics/event-queue.ts";
import { masterGuards } from "../guards.ts";
import { leadingOnly, redirectToLeader } from "../leadership.ts";
import { operatorService } from "../operator/operator-service.ts";
import { batchedRead } from "../read-model/batched-reads.ts";
import type { ByteParts } from "../read-model/byte-parts.ts";
import { MasterProjection } from "../read-model/master-projection.ts";
import { acknowledgeShortcut } from "../scheduler/acknowledge-shortcut.ts";
import { reconcileShortcut } from "../scheduler/reconcile-shortcut.ts";
import { schedulerService } from "../scheduler/scheduler-service.ts";
import { frameworksJson, rolesJson, slavesJson, stateSummaryJson, tasksJson } from "./v0-listings.ts";
import { stateJson } from "./v0-json.ts";
import { mountUi } from "../ui/serve-ui.ts";
import { mountMaintenanceEndpoints } from "./v0-maintenance.ts";
import { mountV0Operator } from "./v0-operator.ts";
import { operatorApi } from "./v1-operator.ts";
import { schedulerApi } from "./v1-scheduler.ts";

/** A query parameter as a non-negative integer, if it is one. */
function intParam(c: Context, name: string): number | undefined {
  const v = c.req.query(name);
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** `queue` counts the requests in flight (metrics/event-queue.ts). */
export function createMasterApp(ctx: MasterContext, queue: EventQueue): { app: Hono; connect: ConnectApi } {
  const app = new Hono();
  // `?jsonp=CB` on every v0 JSON endpoint, as libprocess answers it.
  app.use(jsonp());
  // One guard stage per service, for both transports: the Connect interceptor here, the v1 HTTP endpoints below.
  const guards = masterGuards(ctx);
  // ACKNOWLEDGE (three a task) and RECONCILE (thousands of tasks a call after a failover) read by
  // hand, on Connect and the v1 HTTP API alike.
  const acknowledge = acknowledgeShortcut(ctx);
  const reconcile = reconcileShortcut(ctx);
  const handServed: CallShortcut = (body, header) => acknowledge(body, header) ?? reconcile(body, header);
  const connect: ConnectApi = {
    routes(router) {
      schedulerService(ctx)(router);
      operatorService(ctx)(router);
    },
    interceptors: [guardInterceptor([guards.scheduler, guards.operator])],
    shortcuts: new Map([[scheduler.Scheduler.method.call, handServed]]),
  };
  mountConnect(app, connect);
  const view = () => new MasterProjection(ctx);
  const both = (path: string) => [path, `/master${path}`];
  const leaderOnly = [
    ...["/state", "/state-summary", "/slaves", "/frameworks", "/tasks", "/roles"],
    ...["/reserve", "/unreserve", "/create-volumes", "/destroy-volumes", "/quota", "/quota/*", "/weights", "/teardown"],
  ];
  for (const path of leaderOnly.flatMap(both)) app.use(path, leadingOnly(ctx));

  const schedulerV1 = schedulerApi(ctx, guards, handServed);
  const operator = operatorApi(ctx, guards);
  for (const path of both("/api/v1/scheduler")) app.all(path, (c) => schedulerV1(c.req.raw));
  for (const path of both("/api/v1")) app.all(path, (c) => operator(c.req.raw));
  for (const path of both("/redirect")) app.all(path, () => redirectToLeader(ctx));

  mountMaintenanceEndpoints(app, ctx, both);
  mountV0Operator(app, ctx);
  for (const path of both("/health")) app.get(path, (c) => c.body(null, 200));
  app.get("/version", (c) => c.json(versionJson()));
  mountMetrics(app, ctx.metrics);
  mountLoggingToggle(app, ctx.loggingLevel);
  mountUi(app, ctx.flags.webui_dir);
  mountFilesHttp(app, ctx.files);
  for (const path of both("/flags")) app.get(path, (c) => c.json({ flags: ctx.effectiveFlags }));
  // The state views: concurrent readers of the same one share a computation (batched-reads.ts).
  const reads: Record<string, (c: Context) => string | ByteParts> = {
    "/state": () => stateJson(view()),
    "/state-summary": () => stateSummaryJson(view()),
    "/slaves": (c) => slavesJson(view(), c.req.query("slave_id")),
    "/frameworks": (c) => frameworksJson(view(), c.req.query("framework_id")),
    "/roles": () => rolesJson(view()),
    "/tasks": (c) =>
      tasksJson(view(), {
        limit: intParam(c, "limit"),
        offset: intParam(c, "offset"),
        order: c.req.query("order") === "asc" ? "asc" : "des",
        frameworkId: c.req.query("framework_id"),
        taskId: c.req.query("task_id"),
      }),
  };
  for (const [endpoint, read] of Object.entries(reads)) {
    for (const path of both(endpoint)) {
      app.get(path, async (c) => {
        const query = new URL(c.req.url).search;
        const body = await batchedRead(ctx, endpoint + query, () => read(c));
        return typeof body === "string" ? c.body(body, 200, { "Content-Type": "application/json" }) : body.response("application/json");
      });
    }
  }
  // Last, over Connect's fast paths too (mountConnect wraps `fetch` itself).
  app.fetch = queue.wrap(app.fetch);
  return { app, connect };
}
