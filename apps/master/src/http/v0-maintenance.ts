/**
 * Mesos's v0 maintenance endpoints: `/master/maintenance/schedule` (GET the schedule, POST a new
 * one), `/master/maintenance/status`, `/master/machine/down` and `/master/machine/up` (POST a JSON
 * array of machines). Only the leading master answers (307 to the leader, 503 without one); bodies
 * are Mesos's JSON; a change answers 200 with no body; a refused one 400 with Mesos's message.
 */
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { invalid, toMesosJson } from "@mesos/core";
import { type MachineID, MachineIDSchema, maintenance } from "@mesos/proto";
import { checkJsonDepth, decodeMessage, errorResponse, mesosJsonForSchema, methodNotAllowed, readBoundedBody, textResponse } from "@mesos/rpc";
import type { Hono } from "hono";
import type { MasterContext } from "../context.ts";
import { admitLeading } from "../leadership.ts";
import { maintenanceStatus, startMaintenance, stopMaintenance, updateMaintenanceSchedule } from "../maintenance/maintenance-calls.ts";

type Handler = (req: Request) => Response | Promise<Response>;

/** Leadership and method checks, then the handler; its MesosErrors become Mesos's statuses. */
function endpoint(ctx: MasterContext, methods: string[], handle: Handler): Handler {
  return async (req) => {
    const refusal = admitLeading(ctx);
    if (refusal && "redirectTo" in refusal) {
      const url = new URL(req.url);
      return new Response(null, { status: 307, headers: { Location: `${refusal.redirectTo}${url.pathname}${url.search}` } });
    }
    if (refusal) return textResponse(503, refusal.unavailable);
    if (!methods.includes(req.method)) {
      return methodNotAllowed(req.method, methods);
    }
    try {
      return await handle(req);
    } catch (e) {
      return errorResponse(e);
    }
  };
}

const json = (value: JsonValue) => new Response(JSON.stringify(value), { status: 200, headers: { "Content-Type": "application/json" } });
const ok = () => new Response(null, { status: 200 });

/** The body of /machine/down and /machine/up: a JSON array of MachineIDs. */
async function readMachines(req: Request): Promise<MachineID[]> {
  const bytes = await readBoundedBody(req);
  let body: JsonValue;
  try {
    checkJsonDepth(bytes);
    body = JSON.parse(new TextDecoder().decode(bytes)) as JsonValue;
  } catch (e) {
    throw invalid(`Failed to parse body into JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(body)) throw invalid("Expecting a JSON array of machines");
  return body.map((item, i) => {
    try {
      if (item === null || typeof item !== "object" || Array.isArray(item)) throw new Error("Expecting a JSON object");
      return fromJson(MachineIDSchema, mesosJsonForSchema(MachineIDSchema, item));
    } catch (e) {
      throw invalid(`Failed to convert JSON into MachineID protobuf (element ${i}): ${(e as Error).message}`);
    }
  });
}

export function mountMaintenanceEndpoints(app: Hono, ctx: MasterContext, paths: (path: string) => string[]): void {
  const schedule = endpoint(ctx, ["GET", "POST"], async (req) => {
    if (req.method === "GET") return json(toMesosJson(maintenance.ScheduleSchema, ctx.maintenance.schedule()));
    const body = decodeMessage(maintenance.ScheduleSchema, await readBoundedBody(req), "json");
    await updateMaintenanceSchedule(ctx, body);
    return ok();
  });
  const status = endpoint(ctx, ["GET"], () => json(toMesosJson(maintenance.ClusterStatusSchema, maintenanceStatus(ctx))));
  const down = endpoint(ctx, ["POST"], async (req) => {
    await startMaintenance(ctx, await readMachines(req));
    return ok();
  });
  const up = endpoint(ctx, ["POST"], async (req) => {
    await stopMaintenance(ctx, await readMachines(req));
    return ok();
  });
  for (const [path, handler] of [
    ["/maintenance/schedule", schedule],
    ["/maintenance/status", status],
    ["/machine/down", down],
    ["/machine/up", up],
  ] as const) {
    for (const p of paths(path)) app.all(p, (c) => handler(c.req.raw));
  }
}
