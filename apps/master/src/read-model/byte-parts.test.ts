import { expect, test } from "bun:test";
import { ByteParts } from "./byte-parts.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const big = utf8(`"${"x".repeat(40_000)}"`);
const parts = ["[", utf8('{"a":"ünï 任务 😀"}'), ",", big, ",", '"', utf8("y".repeat(20)), '"', ",", big, "]"];
const expected = utf8(parts.map((p) => (typeof p === "string" ? p : new TextDecoder().decode(p))).join(""));

async function streamed(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

test("the parts' bytes in order, strings as UTF-8; large parts handed over as they are, small ones copied together", async () => {
  const body = ByteParts.of(parts);
  expect(body.length).toBe(expected.length);
  expect(body.bytes()).toEqual(expected);
  const chunks = await streamed(body.stream());
  expect(Buffer.concat(chunks)).toEqual(Buffer.from(expected));
  // Two large parts kept by identity, the small ones between them in three chunks (before, between, after).
  expect(chunks.filter((c) => c === big)).toHaveLength(2);
  expect(chunks).toHaveLength(5);
  // Each stream starts from the beginning.
  expect(Buffer.concat(await streamed(body.stream()))).toEqual(Buffer.from(expected));
  expect(ByteParts.of([]).bytes()).toEqual(new Uint8Array());
});

test("served over HTTP, more than once, the kept parts unchanged", async () => {
  const body = ByteParts.of(parts);
  const copy = big.slice();
  const server = Bun.serve({ port: 0, fetch: () => body.response("application/json") });
  try {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`http://127.0.0.1:${server.port}/`);
      expect(res.headers.get("Content-Type")).toBe("application/json");
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(expected);
    }
    expect(big).toEqual(copy);
  } finally {
    server.stop(true);
  }
});
