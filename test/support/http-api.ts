/**
 * A client of the Mesos v1 HTTP API made of fetch and RecordIO parsing only (no Connect), for
 * tests that act as a framework or tool written for Apache Mesos. Calls and events are plain JSON
 * objects in Mesos's shape; the protobuf codec converts them with protobuf-es's own JSON mapping,
 * so the bytes on the wire are real protobuf.
 */
import { type DescMessage, fromBinary, fromJson, type JsonObject, toBinary, toJson } from "@bufbuild/protobuf";
import { readRecords } from "@mesos/rpc";
import { eventually } from "./cluster.ts";

export interface HttpCodec {
  name: string;
  mediaType: string;
  encode(message: JsonObject): Uint8Array;
  decode(bytes: Uint8Array): JsonObject;
}

export const jsonCodec: HttpCodec = {
  name: "JSON",
  mediaType: "application/json",
  encode: (m) => new TextEncoder().encode(JSON.stringify(m)),
  decode: (b) => JSON.parse(new TextDecoder().decode(b)) as JsonObject,
};

export function protobufCodec(callSchema: DescMessage, eventSchema: DescMessage): HttpCodec {
  return {
    name: "protobuf",
    mediaType: "application/x-protobuf",
    encode: (m) => toBinary(callSchema, fromJson(callSchema, m)),
    decode: (b) => toJson(eventSchema, fromBinary(eventSchema, b), { useProtoFieldName: true }) as JsonObject,
  };
}

/** A streamed answer being read in the background: its records, decoded, as they arrive. */
export interface EventReader {
  response: Response;
  events: JsonObject[];
  /** Resolves when the stream ends (the server closed it), with the error if it broke. */
  ended: Promise<unknown>;
  /** The next event (after `from`) whose type is `type` and that passes `match`. */
  next(type: string, match?: (e: JsonObject) => boolean, timeoutMs?: number): Promise<JsonObject>;
  close(): void;
}

export function readEvents(response: Response, codec: HttpCodec, abort: AbortController): EventReader {
  const events: JsonObject[] = [];
  let seen = 0;
  const ended = (async () => {
    try {
      for await (const record of readRecords(response.body!)) events.push(codec.decode(record));
      return undefined;
    } catch (e) {
      return e;
    }
  })();
  return {
    response,
    events,
    ended,
    async next(type, match = () => true, timeoutMs = 15_000) {
      const found = await eventually(
        () => events.slice(seen).find((e) => e.type === type && match(e)),
        timeoutMs,
        `a ${type} event (seen: ${events.map((e) => e.type).join(", ")})`,
      );
      seen = events.indexOf(found) + 1;
      return found;
    },
    close: () => abort.abort(),
  };
}

/** How requests reach the server: `fetch`, or a master built in memory (`master.request`). */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** POSTs one encoded message. */
export function post(
  url: string,
  codec: HttpCodec,
  body: JsonObject,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
  send: Fetch = fetch,
) {
  return send(url, {
    method: "POST",
    headers: { "Content-Type": codec.mediaType, Accept: codec.mediaType, ...headers },
    body: codec.encode(body),
    signal,
  });
}

/** Opens an event stream (scheduler or operator SUBSCRIBE); throws with the body if not 200. */
export async function subscribeHttp(
  url: string,
  codec: HttpCodec,
  call: JsonObject,
  headers: Record<string, string> = {},
  send: Fetch = fetch,
): Promise<EventReader> {
  const abort = new AbortController();
  const response = await post(url, codec, call, headers, abort.signal, send);
  if (response.status !== 200) throw new Error(`SUBSCRIBE answered ${response.status}: ${await response.text()}`);
  return readEvents(response, codec, abort);
}
