/**
 * The guard stage: its checks, and the same refusals and errors through the Connect interceptor
 * (a service reached with Connect's router transport) and the v1 HTTP endpoint.
 */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { invalid, isMesosError, Metrics, notFound } from "@mesos/core";
import { scheduler } from "@mesos/proto";
import { createInMemoryTransport } from "../serve.ts";
import { emptyResponse } from "../v1-http/responses.ts";
import { v1Endpoint } from "../v1-http/v1-endpoint.ts";
import { type CallGuard, checkCall, type Refusal } from "./call-guard.ts";
import { guardInterceptor } from "./guard-interceptor.ts";

const T = scheduler.Call_Type;

function guard(refusal?: Refusal) {
  const validated: scheduler.Call[] = [];
  const metrics = new Metrics();
  const g: CallGuard<typeof scheduler.CallSchema> & { callSchema: typeof scheduler.CallSchema } = {
    service: scheduler.Scheduler.typeName,
    callSchema: scheduler.CallSchema,
    callName: "scheduler::Call",
    admit: () => refusal,
    validate(call) {
      validated.push(call);
      if (!call.frameworkId) throw invalid("Expecting 'framework_id' to be present");
    },
    counter: (call) => `calls/${T[call.type]}`,
    metrics,
  };
  return { g, validated, metrics };
}

const thrown = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    return isMesosError(e) ? `${e.kind}: ${e.message}` : String(e);
  }
  return "passed";
};

describe("checkCall", () => {
  test("'type' present and known, then the service's validation, then the counter", () => {
    const { g, validated, metrics } = guard();
    expect(thrown(() => checkCall(g, create(scheduler.CallSchema, {})))).toBe("invalid: Expecting 'type' to be present");
    expect(thrown(() => checkCall(g, create(scheduler.CallSchema, { type: T.UNKNOWN })))).toBe(
      "unimplemented: Received an unsupported call type UNKNOWN",
    );
    expect(thrown(() => checkCall(g, create(scheduler.CallSchema, { type: 99 as scheduler.Call_Type })))).toBe(
      "unimplemented: Received an unsupported call type 99",
    );
    expect(thrown(() => checkCall(g, create(scheduler.CallSchema, { type: T.REVIVE })))).toBe("invalid: Expecting 'framework_id' to be present");
    expect(thrown(() => checkCall(g, create(scheduler.CallSchema, { type: T.REVIVE, frameworkId: { value: "f" } })))).toBe("passed");
    expect(validated).toHaveLength(2);
    expect(metrics.get("calls/REVIVE")).toBe(1);
  });
});

describe("the Connect interceptor", () => {
  function client(refusal?: Refusal) {
    const { g, validated } = guard(refusal);
    const handled: scheduler.Call[] = [];
    const transport = createInMemoryTransport({
      routes: (router) =>
        router.service(scheduler.Scheduler, {
          call: (call) => (handled.push(call), create(scheduler.CallAcceptedSchema)),
          async *subscribe(call) {
            handled.push(call);
            yield create(scheduler.EventSchema, { type: scheduler.Event_Type.SUBSCRIBED });
          },
        }),
      interceptors: [guardInterceptor([g])],
    });
    return { c: createClient(scheduler.Scheduler, transport), handled, validated };
  }
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return "ok";
    } catch (e) {
      const err = ConnectError.from(e);
      return `${Code[err.code]}: ${err.rawMessage}`;
    }
  };

  test("a valid call is checked once and handled; an invalid one never reaches the handler", async () => {
    const { c, handled, validated } = client();
    expect(await code(c.call({ type: T.REVIVE, frameworkId: { value: "f" } }))).toBe("ok");
    expect(await code(c.call({ type: T.REVIVE }))).toBe("InvalidArgument: Expecting 'framework_id' to be present");
    expect(await code(c.call({ frameworkId: { value: "f" } }))).toBe("InvalidArgument: Expecting 'type' to be present");
    const events = [];
    for await (const e of c.subscribe({ type: T.SUBSCRIBE, frameworkId: { value: "f" } })) events.push(e);
    expect(events).toHaveLength(1);
    expect(
      await code(
        (async () => {
          for await (const _ of c.subscribe({}));
        })(),
      ),
    ).toBe("InvalidArgument: Expecting 'type' to be present");
    expect(handled.map((h) => T[h.type])).toEqual(["REVIVE", "SUBSCRIBE"]);
    expect(validated).toHaveLength(3);
  });

  test("a refused service fails UNAVAILABLE before any check", async () => {
    const { c, validated } = client({ redirectTo: "//leader:5050" });
    expect(await code(c.call({}))).toBe("Unavailable: Not the leading master; the leader is at //leader:5050");
    expect(validated).toHaveLength(0);
  });
});

describe("the v1 HTTP endpoint", () => {
  const json = (body: unknown, headers: Record<string, string> = {}) =>
    new Request("http://m:5050/api/v1/scheduler?x=1", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const answer = async (r: Response | Promise<Response>) => {
    const res = await r;
    return `${res.status} ${res.headers.get("Location") ?? (await res.text())}`;
  };

  test("admission first: 307 to the same path on the leader, 503 without one", async () => {
    expect(await answer(v1Endpoint({ guard: guard({ redirectTo: "//l:5050" }).g, dispatch: () => emptyResponse(202) })(json({})))).toBe(
      "307 //l:5050/api/v1/scheduler?x=1",
    );
    expect(await answer(v1Endpoint({ guard: guard({ unavailable: "No leader elected" }).g, dispatch: () => emptyResponse(202) })(json({})))).toBe(
      "503 No leader elected",
    );
  });

  test("the guard's errors name the call; dispatch errors map through the overrides", async () => {
    const { g, validated } = guard();
    const api = v1Endpoint({
      guard: g,
      statusOverrides: { not_found: 400 },
      dispatch: ({ call }) => {
        if (call.frameworkId?.value === "nope") throw notFound("Framework nope cannot be found");
        return emptyResponse(202);
      },
    });
    expect(await answer(api(json({ type: "REVIVE" })))).toBe("400 Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
    expect(await answer(api(json({ type: "UNKNOWN", framework_id: { value: "f" } })))).toBe("501 Received an unsupported call type UNKNOWN");
    expect(await answer(api(json({ type: "REVIVE", framework_id: { value: "nope" } })))).toBe("400 Framework nope cannot be found");
    expect(await answer(api(json({ type: "REVIVE", framework_id: { value: "f" } })))).toBe("202 ");
    expect(validated).toHaveLength(3);
  });

  test("Accept is negotiated before the body only where the service asks (the agent's order)", async () => {
    const bad = () =>
      new Request("http://m/api/v1", { method: "POST", headers: { "Content-Type": "application/json", Accept: "text/html" }, body: "{" });
    const late = v1Endpoint({ guard: guard().g, dispatch: () => emptyResponse(202) });
    const early = v1Endpoint({ guard: guard().g, acceptFirst: true, dispatch: () => emptyResponse(202) });
    expect(await answer(late(bad()))).toStartWith("400 Failed to parse body into JSON");
    expect(await answer(early(bad()))).toStartWith("406 Expecting 'Accept' to allow");
  });
});
