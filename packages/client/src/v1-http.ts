/**
 * The client side of Mesos's v1 HTTP API (`POST /api/v1` on a master or an agent), what Mesos's
 * own CLI speaks: protobuf bodies, RecordIO streams both ways, and the answers' statuses mapped
 * back to error kinds. Works against Apache Mesos too.
 *
 * A master that does not lead answers 307 with the leader's address (`//host:port/api/v1`); a
 * `V1Endpoint` follows it (a few hops at most) and remembers the leader for the next calls.
 */
import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { type ErrorKind, MesosError, unavailable } from "@mesos/core";
import {
  APPLICATION_PROTOBUF,
  APPLICATION_RECORDIO,
  decodeMessage,
  encodeMessage,
  encodeRecord,
  MESSAGE_ACCEPT,
  MESSAGE_CONTENT_TYPE,
  readRecords,
  toBaseUrl,
} from "@mesos/rpc";

const MAX_REDIRECTS = 5;

/** HTTP statuses back to error kinds (the inverse of what the servers map). */
function errorKindOfStatus(status: number): ErrorKind {
  if (status === 400 || status === 406 || status === 415 || status === 422) return "invalid";
  if (status === 401) return "unauthenticated";
  if (status === 403) return "permission_denied";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 501) return "unimplemented";
  if (status === 503 || status === 502 || status === 504) return "unavailable";
  return "internal";
}

/** A MesosError from a non-2xx answer, which keeps the status (some answers mean more than their kind). */
class HttpStatusError extends MesosError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(errorKindOfStatus(status), message);
  }
}

/** A non-2xx answer as an error carrying the body's text (what Mesos writes there). */
export async function errorOfResponse(res: Response, what: string): Promise<HttpStatusError> {
  const text = (await res.text().catch(() => "")).trim();
  return new HttpStatusError(res.status, text || `${what} answered ${res.status} ${res.statusText}`);
}

/** The HTTP status behind an error from this module, if it came from an answer. */
export function statusOf(e: unknown): number | undefined {
  return e instanceof HttpStatusError ? e.status : undefined;
}

export interface V1Endpoint {
  /** The base URL calls go to now (the leader's, after a redirect). */
  baseUrl(): string;
  /** POSTs `path` with the redirects followed; network failures become `unavailable`. */
  post(
    path: string,
    init: { body: Uint8Array | ReadableStream<Uint8Array>; headers: Record<string, string>; signal?: AbortSignal },
  ): Promise<Response>;
  get(pathAndQuery: string, signal?: AbortSignal): Promise<Response>;
}

export function createV1Endpoint(address: string): V1Endpoint {
  let base = toBaseUrl(address);
  const send = async (
    method: "GET" | "POST",
    path: string,
    init: { body?: Uint8Array | ReadableStream<Uint8Array>; headers?: Record<string, string>; signal?: AbortSignal },
  ) => {
    let url = new URL(path, `${base}/`).toString();
    for (let hop = 0; ; hop++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          body: init.body,
          headers: init.headers,
          signal: init.signal,
          redirect: "manual",
          duplex: "half",
        } as RequestInit);
      } catch (e) {
        if (init.signal?.aborted) throw e;
        throw unavailable(`Cannot reach ${new URL(url).host}: ${(e as Error).message}`, e);
      }
      const location = res.headers.get("Location");
      if (res.status !== 307 || !location || hop >= MAX_REDIRECTS) return res;
      // A streamed body cannot be sent twice; one given as bytes or text can.
      if (init.body instanceof ReadableStream) return res;
      const next = new URL(location, url);
      base = next.origin;
      url = next.toString();
    }
  };
  return {
    baseUrl: () => base,
    post: (path, init) => send("POST", path, init),
    get: (pathAndQuery, signal) => send("GET", pathAndQuery, { signal }),
  };
}

const PROTOBUF_HEADERS = { "Content-Type": APPLICATION_PROTOBUF, Accept: APPLICATION_PROTOBUF };

/**
 * One call, one answer: the decoded Response, or undefined for an answer without a body (200 with
 * nothing, or 202 Accepted).
 */
export async function postCall<Req extends DescMessage, Res extends DescMessage>(
  endpoint: V1Endpoint,
  schemas: { call: Req; response: Res },
  call: MessageInitShape<Req>,
  what: string,
  signal?: AbortSignal,
): Promise<MessageShape<Res> | undefined> {
  const body = encodeMessage(schemas.call, create(schemas.call, call), "protobuf");
  const res = await endpoint.post("api/v1", { body, headers: PROTOBUF_HEADERS, signal });
  if (!res.ok) throw await errorOfResponse(res, what);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length === 0) return undefined;
  return decodeMessage(schemas.response, bytes, "protobuf");
}

/** A call whose answer is a RecordIO stream of `record` messages. Resolves once the stream starts (or with undefined for 202). */
export async function postForStream<Req extends DescMessage, Rec extends DescMessage>(
  endpoint: V1Endpoint,
  schemas: { call: Req; record: Rec },
  call: MessageInitShape<Req>,
  what: string,
  signal?: AbortSignal,
): Promise<AsyncIterable<MessageShape<Rec>> | undefined> {
  const body = encodeMessage(schemas.call, create(schemas.call, call), "protobuf");
  const headers = { "Content-Type": APPLICATION_PROTOBUF, Accept: APPLICATION_RECORDIO, [MESSAGE_ACCEPT]: APPLICATION_PROTOBUF };
  const res = await endpoint.post("api/v1", { body, headers, signal });
  if (!res.ok) throw await errorOfResponse(res, what);
  if (res.status === 202 || !res.body) return undefined;
  const stream = res.body;
  return (async function* () {
    try {
      for await (const record of readRecords(stream as AsyncIterable<Uint8Array>)) yield decodeMessage(schemas.record, record, "protobuf");
    } catch (e) {
      if (signal?.aborted) return;
      throw e instanceof MesosError ? e : unavailable(`The ${what} stream broke: ${(e as Error).message}`, e);
    }
  })();
}

/** A call whose request is a RecordIO stream of `calls`; resolves with the answer once the stream ends. */
export async function postStream<Req extends DescMessage>(
  endpoint: V1Endpoint,
  schema: Req,
  calls: AsyncIterable<MessageInitShape<Req>>,
  what: string,
  signal?: AbortSignal,
): Promise<void> {
  const iterator = calls[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encodeRecord(encodeMessage(schema, create(schema, next.value), "protobuf")));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  const headers = { "Content-Type": APPLICATION_RECORDIO, [MESSAGE_CONTENT_TYPE]: APPLICATION_PROTOBUF, Accept: APPLICATION_PROTOBUF };
  const res = await endpoint.post("api/v1", { body, headers, signal });
  if (!res.ok) throw await errorOfResponse(res, what);
  await res.arrayBuffer();
}
