/**
 * Server-streaming calls of the Connect protocol (POST, `application/connect+proto` or `+json`),
 * served here directly: the event streams (scheduler SUBSCRIBE, the agent links, operator
 * SUBSCRIBE). Connect's handler moves every message through a chain of async generators and writes
 * each as its own chunk; at thousands of events a second that chain was a sixth of the master's
 * time. Here the messages ready at once are encoded and written together, as one chunk, once per
 * turn of the event loop, in the order the implementation produced them. The response waits for the
 * first message, so headers the implementation sets before it (Mesos-Stream-Id) go out with it;
 * errors end the stream as Connect's do (an end-stream message with the error; HTTP 200).
 * Compressed or otherwise unusual requests go to Connect's handler.
 */
import { create, type DescMessage, isMessage, toBinary, toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor, type MethodImplSpec, type StreamRequest, type StreamResponse } from "@connectrpc/connect";
import { contentTypeStreamJson, contentTypeStreamProto, endStreamFlag, endStreamToJson, parseTimeout } from "@connectrpc/connect/protocol-connect";
import { ConnectCall, replaceHeaders, withInterceptors } from "./connect-call.ts";
import { decodeRequest, readRequestBody } from "./connect-unary.ts";
import { MAX_REQUEST_BODY_BYTES } from "./request-limits.ts";
import { encodeShared } from "./shared-encoding.ts";

type StreamSpec = Extract<MethodImplSpec, { kind: "server_streaming" }>;

const IDENTITY = new Set([null, "", "identity"]);
const HEADER_BYTES = 5;
const COMPRESSED_FLAG = 0b1;
const encoder = new TextEncoder();

function envelope(flags: number, data: Uint8Array): Uint8Array {
  return envelopes([data], data.length, flags);
}

/** The messages, each in its envelope, in one buffer (one copy of each message's bytes). */
function envelopes(messages: readonly Uint8Array[], size: number, flags = 0): Uint8Array {
  const out = new Uint8Array(size + HEADER_BYTES * messages.length);
  let at = 0;
  for (const data of messages) {
    const length = data.length;
    out[at] = flags;
    out[at + 1] = length >>> 24;
    out[at + 2] = (length >>> 16) & 0xff;
    out[at + 3] = (length >>> 8) & 0xff;
    out[at + 4] = length & 0xff;
    out.set(data, at + HEADER_BYTES);
    at += HEADER_BYTES + length;
  }
  return out;
}

/** The one request message of a server stream: exactly one uncompressed envelope. */
function singleMessage(schema: DescMessage, body: Uint8Array, binary: boolean, limit: number) {
  if (body.length < HEADER_BYTES) throw new ConnectError("protocol error: missing input message for server-streaming method", Code.InvalidArgument);
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  const length = view.getUint32(1);
  if (length > limit) throw new ConnectError(`Request body is larger than the limit of ${limit} bytes`, Code.ResourceExhausted);
  if (body[0]! & COMPRESSED_FLAG) throw new ConnectError("Compressed messages are not accepted", Code.InvalidArgument);
  if (body.length < HEADER_BYTES + length) throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
  if (body.length > HEADER_BYTES + length) {
    throw new ConnectError("protocol error: received extra input message for server-streaming method", Code.InvalidArgument);
  }
  return decodeRequest(schema, body.subarray(HEADER_BYTES), binary);
}

async function* once<T>(value: T): AsyncIterable<T> {
  yield value;
}

/** The first message of the (possibly intercepted) input: a server stream has exactly one. */
async function first<T>(input: AsyncIterable<T>): Promise<T> {
  for await (const message of input) return message;
  throw new ConnectError("protocol error: missing input message for server-streaming method", Code.InvalidArgument);
}

/** A fetch handler for one server-streaming method; undefined for a request it leaves to Connect's handler. */
export function createServerStreamFetchHandler(spec: StreamSpec, interceptors: Interceptor[], limit = MAX_REQUEST_BODY_BYTES) {
  const { method } = spec;
  const service = method.parent;
  const invoke = withInterceptors(async (r) => {
    const call = ConnectCall.of(r);
    const input = await first((r as StreamRequest).message);
    const output = spec.impl(input, ConnectCall.context(method, r));
    return call.response<StreamResponse>({ stream: true, service, method, message: output as AsyncIterable<never> });
  }, interceptors);

  return (req: Request): Promise<Response> | undefined => {
    if (req.method !== "POST") return undefined;
    const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const binary = type === contentTypeStreamProto;
    if (!binary && type !== contentTypeStreamJson) return undefined;
    if (!IDENTITY.has(req.headers.get("connect-content-encoding"))) return undefined;
    return serve(req, binary);
  };

  async function serve(req: Request, binary: boolean): Promise<Response> {
    const timeout = parseTimeout(req.headers.get("connect-timeout-ms"), Number.MAX_SAFE_INTEGER);
    const call = new ConnectCall(req, binary ? contentTypeStreamProto : contentTypeStreamJson, timeout.timeoutMs);
    // A message's bytes, without the envelope (added when a turn's messages are written together).
    const encode = (m: unknown): Uint8Array => {
      const message = isMessage(m, method.output) ? m : create(method.output, m as never);
      return binary
        ? encodeShared(message, "protobuf", () => toBinary(method.output, message))
        : encodeShared(message, "connect-json", () => encoder.encode(toJsonString(method.output, message)));
    };
    let messages: AsyncIterator<unknown>;
    let next: IteratorResult<unknown>;
    try {
      if (timeout.error) throw timeout.error;
      const message = singleMessage(method.input, await readRequestBody(req, limit), binary, limit);
      const res = (await invoke(call.request<StreamRequest>({ stream: true, service, method, message: once(message) }))) as StreamResponse;
      if (!ConnectCall.isOwn(res)) {
        replaceHeaders(call.responseHeader, res.header);
        replaceHeaders(call.responseTrailer, res.trailer);
      }
      messages = res.message[Symbol.asyncIterator]();
      next = await messages.next();
    } catch (e) {
      return endedResponse(call, e);
    }
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const pending: Uint8Array[] = [];
        let size = 0;
        let scheduled = false;
        // Writing to a stream the client has just closed throws; that is the client's loss, not ours.
        const enqueue = (bytes: Uint8Array) => {
          try {
            controller.enqueue(bytes);
          } catch {
            cancelled = true;
          }
        };
        const flush = () => {
          scheduled = false;
          if (cancelled || pending.length === 0) return;
          enqueue(envelopes(pending.splice(0), size));
          size = 0;
        };
        const write = (bytes: Uint8Array) => {
          pending.push(bytes);
          size += bytes.length;
          if (!scheduled) {
            scheduled = true;
            setImmediate(flush);
          }
        };
        void (async () => {
          let error: unknown;
          try {
            while (!next.done && !cancelled) {
              write(encode(next.value));
              next = await messages.next();
            }
          } catch (e) {
            error = e;
          }
          if (!cancelled) {
            flush();
            enqueue(endStream(call, error));
            if (!cancelled) controller.close();
          }
          call.end(error);
        })();
      },
      cancel(reason) {
        // The client went away: the implementation hears it through its signal, and its generator ends.
        cancelled = true;
        call.end(reason ?? new ConnectError("the client closed the stream", Code.Canceled));
        void messages.return?.().catch(() => {});
      },
    });
    return new Response(body, { status: 200, headers: call.headers(false) });
  }
}

/** The end-stream message: the handler's trailers, and the error if the stream failed. */
function endStream(call: ConnectCall, e: unknown): Uint8Array {
  const error = e === undefined ? undefined : ConnectError.from(e, Code.Internal);
  const metadata = new Headers(call.handlerTrailer);
  if (error && !error.isWireError) error.metadata.forEach((value, key) => metadata.append(key, value));
  return envelope(endStreamFlag, encoder.encode(JSON.stringify(endStreamToJson(metadata, error, undefined))));
}

/** A stream that failed before its first message (a bad request, a refusal): only the end-stream message. */
function endedResponse(call: ConnectCall, e: unknown): Response {
  call.end(e);
  return new Response(endStream(call, e), { status: 200, headers: call.headers(false) });
}
