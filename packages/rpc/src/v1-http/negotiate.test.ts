/** libprocess's Accept matching and the v1 API's content negotiation rules. */
import { describe, expect, test } from "bun:test";
import { acceptsMediaType, preferredFormat } from "./media-types.ts";
import { negotiateAccept, negotiateContentType } from "./negotiate.ts";

describe("acceptsMediaType", () => {
  test.each<[string | null, string, boolean]>([
    [null, "application/json", true],
    ["application/json", "application/json", true],
    ["Application/JSON", "application/json", true],
    ["text/html", "application/json", false],
    ["application/*", "application/x-protobuf", true],
    ["*/*", "application/json", true],
    ["application/json;q=0, */*", "application/json", false],
    ["application/json;q=0.5", "application/json", true],
    ["application/json ; q=0.0 , application/*", "application/json", false],
    ["text/*, application/x-protobuf", "application/json", false],
    ["application/json;q=abc", "application/json", true],
  ])("Accept %p allows %s: %p", (header, type, expected) => {
    expect(acceptsMediaType(header, type)).toBe(expected);
  });

  test("JSON is preferred whenever it is acceptable, whatever the header's order", () => {
    expect(preferredFormat("application/x-protobuf, application/json")).toBe("json");
    expect(preferredFormat("application/x-protobuf")).toBe("protobuf");
    expect(preferredFormat(null)).toBe("json");
    expect(preferredFormat("text/html")).toBeUndefined();
  });
});

const h = (init: Record<string, string>) => new Headers(init);
const statusOf = (n: { ok: boolean; response?: Response }) => (n.ok ? 0 : n.response!.status);

describe("negotiateContentType", () => {
  const recordio = { recordio: true };
  const plain = { recordio: false };

  test("JSON and protobuf, parameters and case ignored", () => {
    expect(negotiateContentType(h({ "Content-Type": "application/json; charset=utf-8" }), plain)).toEqual({
      ok: true,
      value: { streaming: false, format: "json" },
    });
    expect(negotiateContentType(h({ "Content-Type": "Application/X-Protobuf" }), plain)).toEqual({
      ok: true,
      value: { streaming: false, format: "protobuf" },
    });
  });

  test("missing is 400, anything else is 415", async () => {
    const missing = negotiateContentType(h({}), plain);
    expect(statusOf(missing)).toBe(400);
    expect(await (missing as { response: Response }).response.text()).toBe("Expecting 'Content-Type' to be present");
    expect(statusOf(negotiateContentType(h({ "Content-Type": "text/plain" }), plain))).toBe(415);
    expect(statusOf(negotiateContentType(h({ "Content-Type": "application/recordio", "Message-Content-Type": "application/json" }), plain))).toBe(
      415,
    );
  });

  test("recordio needs a Message-Content-Type of JSON or protobuf", () => {
    expect(negotiateContentType(h({ "Content-Type": "application/recordio", "Message-Content-Type": "application/x-protobuf" }), recordio)).toEqual({
      ok: true,
      value: { streaming: true, format: "protobuf" },
    });
    expect(statusOf(negotiateContentType(h({ "Content-Type": "application/recordio" }), recordio))).toBe(400);
    expect(statusOf(negotiateContentType(h({ "Content-Type": "application/recordio", "Message-Content-Type": "text/plain" }), recordio))).toBe(415);
  });

  test("Message-Content-Type on a non-streaming request is 415 where recordio is spoken, ignored elsewhere", () => {
    const headers = h({ "Content-Type": "application/json", "Message-Content-Type": "application/json" });
    expect(statusOf(negotiateContentType(headers, recordio))).toBe(415);
    expect(statusOf(negotiateContentType(headers, plain))).toBe(0);
  });
});

describe("negotiateAccept", () => {
  const recordio = { recordio: true };
  const plain = { recordio: false };

  test("no Accept header means JSON", () => {
    expect(negotiateAccept(h({}), plain)).toEqual({ ok: true, value: { mediaType: "application/json", streaming: false, format: "json" } });
  });

  test("recordio with Message-Accept (JSON by default)", () => {
    expect(negotiateAccept(h({ Accept: "application/recordio" }), recordio)).toEqual({
      ok: true,
      value: { mediaType: "application/recordio", streaming: true, format: "json" },
    });
    expect(negotiateAccept(h({ Accept: "application/recordio", "Message-Accept": "application/x-protobuf" }), recordio)).toEqual({
      ok: true,
      value: { mediaType: "application/recordio", streaming: true, format: "protobuf" },
    });
    expect(statusOf(negotiateAccept(h({ Accept: "application/recordio", "Message-Accept": "text/html" }), recordio))).toBe(406);
  });

  test("406 for types not spoken, and for Message-Accept without recordio", () => {
    expect(statusOf(negotiateAccept(h({ Accept: "text/html" }), plain))).toBe(406);
    expect(statusOf(negotiateAccept(h({ Accept: "application/recordio" }), plain))).toBe(406);
    expect(statusOf(negotiateAccept(h({ Accept: "application/json", "Message-Accept": "application/json" }), recordio))).toBe(406);
  });
});
