/**
 * Mesos's v0 operator endpoints that change things, as scripts drive them: `/reserve`,
 * `/unreserve`, `/create-volumes`, `/destroy-volumes` (form-encoded `slaveId` and `resources` or
 * `volumes`, a JSON array of Resource), `/teardown` (`frameworkId`), `/quota` (GET; POST a
 * QuotaRequest; DELETE `/quota/<role>`) and `/weights` (GET; PUT a JSON array of WeightInfo).
 * Each builds the v1 operator call and runs its handler (operator-calls.ts), so both APIs behave
 * alike. Mesos's statuses: 405 with `Allow` for another method, 400 for a missing or malformed
 * field and for an unknown agent or framework, 202 once an operation is applied, 200 otherwise.
 */
import { create, fromJson, type JsonValue, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { errorMessage } from "@mesos/core";
import { master, quota, ResourceSchema, WeightInfoSchema } from "@mesos/proto";
import { errorResponse, methodNotAllowed, textResponse } from "@mesos/rpc";
import type { Hono } from "hono";
import type { MasterContext } from "../context.ts";
import { handleOperatorCall } from "../operator/operator-calls.ts";

const T = master.Call_Type;

class BadRequest extends Error {}

type Handler = (req: Request) => Promise<Response>;

export function mountV0Operator(app: Hono, ctx: MasterContext): void {
  const run = async (call: MessageInitShape<typeof master.CallSchema>) => handleOperatorCall(ctx, create(master.CallSchema, call));
  const routes: Record<string, Partial<Record<string, Handler>>> = {
    "/reserve": { POST: operation(run, T.RESERVE_RESOURCES, "resources") },
    "/unreserve": { POST: operation(run, T.UNRESERVE_RESOURCES, "resources") },
    "/create-volumes": { POST: operation(run, T.CREATE_VOLUMES, "volumes") },
    "/destroy-volumes": { POST: operation(run, T.DESTROY_VOLUMES, "volumes") },
    "/teardown": {
      POST: answering(async (req) => {
        const frameworkId = required(await form(req), "frameworkId");
        await run({ type: T.TEARDOWN, teardown: { frameworkId: { value: frameworkId } } });
        return ok();
      }),
    },
    "/quota": {
      GET: answering(async () => {
        const response = await run({ type: T.GET_QUOTA });
        return jsonResponse(toJson(quota.QuotaStatusSchema, response.getQuota!.status!, { useProtoFieldName: true }));
      }),
      POST: answering(async (req) => {
        const request = parseJson(await req.text(), "set quota request", (j) => fromJson(quota.QuotaRequestSchema, j));
        await run({ type: T.SET_QUOTA, setQuota: { quotaRequest: request } });
        return ok();
      }),
    },
    "/weights": {
      GET: answering(async () => {
        const response = await run({ type: T.GET_WEIGHTS });
        return jsonResponse(response.getWeights!.weightInfos.map((w) => toJson(WeightInfoSchema, w, { useProtoFieldName: true })));
      }),
      PUT: answering(async (req) => {
        const infos = parseJson(await req.text(), "update weights request", (j) => jsonArray(j).map((w) => fromJson(WeightInfoSchema, w)));
        await run({ type: T.UPDATE_WEIGHTS, updateWeights: { weightInfos: infos } });
        return ok();
      }),
    },
  };
  for (const [path, methods] of Object.entries(routes)) {
    for (const at of [path, `/master${path}`]) app.all(at, (c) => dispatch(methods, c.req.raw));
  }
  // DELETE /master/quota/<role>: the role may itself contain slashes.
  const removeQuota = answering(async (req) => {
    const path = new URL(req.url).pathname;
    const role = decodeURIComponent(path.replace(/^(\/master)?\/quota\//, ""));
    await run({ type: T.REMOVE_QUOTA, removeQuota: { role } });
    return ok();
  });
  for (const at of ["/quota/*", "/master/quota/*"]) app.all(at, (c) => dispatch({ DELETE: removeQuota }, c.req.raw));
}

function dispatch(methods: Partial<Record<string, Handler>>, req: Request): Promise<Response> | Response {
  const handler = methods[req.method];
  if (!handler) return methodNotAllowed(req.method, Object.keys(methods));
  return handler(req);
}

/** A reservation or volume operation: `slaveId` and a JSON array of Resource, as Mesos parses them. */
function operation(
  run: (call: MessageInitShape<typeof master.CallSchema>) => Promise<master.Response>,
  type: master.Call_Type,
  field: "resources" | "volumes",
): Handler {
  return answering(async (req) => {
    const values = await form(req);
    const agentId = { value: required(values, "slaveId") };
    const list = parseJson(required(values, field), `'${field}' query parameter in the request body`, (j) =>
      jsonArray(j).map((r) => fromJson(ResourceSchema, r)),
    );
    if (type === T.RESERVE_RESOURCES) await run({ type, reserveResources: { agentId, resources: list } });
    else if (type === T.UNRESERVE_RESOURCES) await run({ type, unreserveResources: { agentId, resources: list } });
    else if (type === T.CREATE_VOLUMES) await run({ type, createVolumes: { agentId, volumes: list } });
    else await run({ type, destroyVolumes: { agentId, volumes: list } });
    return new Response(null, { status: 202 });
  });
}

/** Runs a handler; a malformed request is a 400 with its text, other errors map as in the v1 API. */
function answering(handler: Handler): Handler {
  return async (req) => {
    try {
      return await handler(req);
    } catch (e) {
      if (e instanceof BadRequest) return textResponse(400, e.message);
      return errorResponse(e);
    }
  };
}

async function form(req: Request): Promise<URLSearchParams> {
  return new URLSearchParams(await req.text());
}

function required(values: URLSearchParams, name: string): string {
  const value = values.get(name);
  if (value === null) throw new BadRequest(`Missing '${name}' query parameter in the request body`);
  return value;
}

/** JSON text as a message: Mesos's words when it does not parse (`Error in parsing ...` / `Failed to parse ...`). */
function parseJson<T>(text: string, what: string, convert: (json: JsonValue) => T): T {
  try {
    return convert(JSON.parse(text) as JsonValue);
  } catch (e) {
    const message = errorMessage(e);
    throw new BadRequest(what.startsWith("'") ? `Error in parsing ${what}: ${message}` : `Failed to parse ${what} JSON '${text}': ${message}`);
  }
}

function jsonArray(json: JsonValue): JsonValue[] {
  if (!Array.isArray(json)) throw new Error("Expecting a JSON array");
  return json;
}

const ok = () => new Response(null, { status: 200 });
const jsonResponse = (body: JsonValue) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
