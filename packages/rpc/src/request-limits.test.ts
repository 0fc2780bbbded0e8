/** Body size and JSON depth bounds, on the v1 HTTP path (413, Mesos's parse messages). */
import { expect, test } from "bun:test";
import { scheduler } from "@mesos/proto";
import { isMesosError } from "@mesos/core";
import { checkJsonDepth, MAX_JSON_DEPTH, readBoundedBody } from "./request-limits.ts";
import { errorResponse, readMessage } from "./v1-http/index.ts";

const post = (body: string | Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  new Request("http://x/api/v1", { method: "POST", body, headers });

test("a body over the limit is refused as too_large (HTTP 413), by Content-Length or as it streams", async () => {
  await expect(readBoundedBody(post("x".repeat(11)), 10)).rejects.toThrow("larger than the limit of 10 bytes");
  const chunked = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < 4; i++) c.enqueue(new Uint8Array(4));
      c.close();
    },
  });
  const e = await readBoundedBody(new Request("http://x/", { method: "POST", body: chunked }), 10).catch((x) => x);
  expect(isMesosError(e, "too_large")).toBe(true);
  expect(errorResponse(e).status).toBe(413);
  expect((await readBoundedBody(post("x".repeat(10)), 10)).length).toBe(10);
});

test("readMessage refuses a 9 MiB call with 413", async () => {
  const big = JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "x".repeat(9 << 20), name: "n" } } });
  const e = await readMessage(post(big), scheduler.CallSchema, "json").catch((x) => x);
  expect(errorResponse(e).status).toBe(413);
});

test("JSON nested deeper than Mesos's 200 levels is refused before it is parsed; strings do not count", async () => {
  const nest = (n: number) => `{"type":"SUBSCRIBE","x":${"[".repeat(n)}${"]".repeat(n)}}`;
  expect(() => checkJsonDepth(new TextEncoder().encode(nest(MAX_JSON_DEPTH - 1)))).not.toThrow();
  expect(() => checkJsonDepth(new TextEncoder().encode(nest(MAX_JSON_DEPTH)))).toThrow("JSON is nested deeper than 200 levels");
  expect(() => checkJsonDepth(new TextEncoder().encode(JSON.stringify({ s: "[".repeat(1000), t: '\\"[[' })))).not.toThrow();
  const e = await readMessage(post(nest(100_000)), scheduler.CallSchema, "json").catch((x) => x);
  expect(errorResponse(e).status).toBe(400);
  expect(e.message).toBe("Failed to parse body into JSON: JSON is nested deeper than 200 levels");
});
