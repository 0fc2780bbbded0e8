/** RecordIO at the byte level, against hand-built frames and an independently encoded Call. */
import { describe, expect, test } from "bun:test";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { scheduler } from "@mesos/proto";
import { decodeMessage } from "./message-codec.ts";
import { encodeRecord, readRecords, RecordIODecoder } from "./recordio.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function* chunks(...parts: Uint8Array[]) {
  for (const p of parts) yield p;
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const r of readRecords(source)) out.push(text(r));
  return out;
}

describe("encodeRecord", () => {
  test("writes the decimal byte length, a newline, then the bytes", () => {
    expect(text(encodeRecord(bytes("hello")))).toBe("5\nhello");
    expect(text(encodeRecord(bytes("")))).toBe("0\n");
    // The length counts bytes, not characters.
    expect([...encodeRecord(bytes("é"))]).toEqual([0x32, 0x0a, 0xc3, 0xa9]);
  });
});

describe("RecordIODecoder", () => {
  test("several records in one chunk", () => {
    expect(new RecordIODecoder().decode(bytes("5\nhello3\nabc1\nx")).map(text)).toEqual(["hello", "abc", "x"]);
  });

  test("a record split across chunks, including inside its length header", () => {
    const d = new RecordIODecoder();
    expect(d.decode(bytes("1"))).toEqual([]);
    expect(d.pending).toBe(true);
    expect(d.decode(bytes("1\nhello"))).toEqual([]);
    expect(d.decode(bytes(" wor"))).toEqual([]);
    expect(d.decode(bytes("ld2\n")).map(text)).toEqual(["hello world"]);
    expect(d.decode(bytes("ok")).map(text)).toEqual(["ok"]);
    expect(d.pending).toBe(false);
  });

  test("every split point of a stream gives the same records", () => {
    const stream = bytes('3\nabc0\n12\n{"type":"X"}7\nnewline');
    for (let i = 0; i <= stream.length; i++) {
      const d = new RecordIODecoder();
      const records = [...d.decode(stream.subarray(0, i)), ...d.decode(stream.subarray(i))].map(text);
      expect(records).toEqual(["abc", "", '{"type":"X"}', "newline"]);
    }
  });

  test("one byte at a time", () => {
    const d = new RecordIODecoder();
    const out: string[] = [];
    for (const b of bytes("2\nhi10\n0123456789")) out.push(...d.decode(new Uint8Array([b])).map(text));
    expect(out).toEqual(["hi", "0123456789"]);
  });

  test("records keep their bytes when the source reuses its chunk buffer", () => {
    const d = new RecordIODecoder();
    const buffer = new Uint8Array(4);
    buffer.set(bytes("4\nab"));
    expect(d.decode(buffer)).toEqual([]);
    buffer.set(bytes("cd2\n"));
    expect(d.decode(buffer).map(text)).toEqual(["abcd"]);
  });

  test("a malformed length header fails, and the decoder stays failed", () => {
    const d = new RecordIODecoder();
    expect(() => d.decode(bytes("1x\nabc"))).toThrow("invalid length header '1x'");
    expect(() => d.decode(bytes("1\na"))).toThrow("invalid length header");
    expect(() => new RecordIODecoder().decode(bytes("\nabc"))).toThrow("empty length header");
    expect(() => new RecordIODecoder().decode(bytes("-1\n"))).toThrow("invalid length header '-'");
    expect(() => new RecordIODecoder().decode(bytes("123456789012345678901\n"))).toThrow("invalid length header");
  });

  test("a record over the limit fails before its bytes are read", () => {
    expect(() => new RecordIODecoder(10).decode(bytes("11\n"))).toThrow("exceeds the limit of 10");
  });
});

describe("readRecords", () => {
  test("yields records as chunks complete them", async () => {
    expect(await collect(chunks(bytes("5\nhel"), bytes("lo5"), bytes("\nworld")))).toEqual(["hello", "world"]);
  });

  test("a stream that ends inside a record is an error", async () => {
    await expect(collect(chunks(bytes("5\nhel")))).rejects.toThrow("ended in the middle of a record");
    await expect(collect(chunks(bytes("5")))).rejects.toThrow("ended in the middle of a record");
  });

  test("an empty stream has no records", async () => {
    expect(await collect(chunks())).toEqual([]);
  });
});

describe("a protobuf Call encoded by an independent encoder", () => {
  // Call{ framework_id: {value: "fw-1"}, type: DECLINE (4), decline: { offer_ids: [{value: "o1"}, {value: "o2"}] } },
  // written field by field with the wire-level writer, not generated code.
  const offerId = (v: string) => new BinaryWriter().tag(1, WireType.LengthDelimited).string(v).finish();
  const decline = new BinaryWriter()
    .tag(1, WireType.LengthDelimited)
    .bytes(offerId("o1"))
    .tag(1, WireType.LengthDelimited)
    .bytes(offerId("o2"))
    .finish();
  const call = new BinaryWriter()
    .tag(1, WireType.LengthDelimited)
    .bytes(new BinaryWriter().tag(1, WireType.LengthDelimited).string("fw-1").finish())
    .tag(2, WireType.Varint)
    .int32(4)
    .tag(5, WireType.LengthDelimited)
    .bytes(decline)
    .finish();

  test("decodes from RecordIO records split across chunks", async () => {
    const framed = new Uint8Array([...encodeRecord(call), ...encodeRecord(call)]);
    const parts = [framed.subarray(0, 1), framed.subarray(1, 7), framed.subarray(7, call.length + 5), framed.subarray(call.length + 5)];
    const decoded: scheduler.Call[] = [];
    for await (const record of readRecords(chunks(...parts))) decoded.push(decodeMessage(scheduler.CallSchema, record, "protobuf"));
    expect(decoded).toHaveLength(2);
    for (const c of decoded) {
      expect(c.type).toBe(scheduler.Call_Type.DECLINE);
      expect(c.frameworkId?.value).toBe("fw-1");
      expect(c.decline?.offerIds.map((o) => o.value)).toEqual(["o1", "o2"]);
    }
  });
});
