/**
 * The client side of the Connect protocol for our hot calls: unary and server-streaming calls with
 * binary messages, made directly with fetch. connect-web's transport runs every call through its
 * interceptor chain, two linked AbortControllers and a deadline timer, and reads a stream through
 * a TransformStream and four layers of async generators; for a framework that acknowledges
 * thousands of updates a second that was about half of its CPU. Calls with a deadline, JSON, and
 * client or bidi streams go to connect-web's transport. Both answer alike: the same messages,
 * headers, trailers and ConnectErrors (an aborted call is Canceled with its signal's reason).
 */
import { create, type DescMessage, type DescMethod, fromBinary, type JsonValue, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { appendHeaders, Code, ConnectError, type StreamResponse, type Transport, type UnaryResponse } from "@connectrpc/connect";
import { compressedFlag, getAbortSignalReason } from "@connectrpc/connect/protocol";
import {
  contentTypeStreamProto,
  contentTypeUnaryProto,
  endStreamFlag,
  endStreamFromJson,
  errorFromJson,
  headerContentType,
  headerProtocolVersion,
  protocolVersion,
  trailerDemux,
  validateResponse,
} from "@connectrpc/connect/protocol-connect";
import type { KeepAlivePost } from "./keep-alive-post.ts";

type Fetch = (input: string, init: RequestInit) => Promise<Response>;
type HeadersInit = ConstructorParameters<typeof Headers>[0];
type AnyMessage = MessageShape<DescMessage>;

const HEADER_BYTES = 5;
const EMPTY = new Uint8Array(0);
const NO_REDIRECT = "error" as const;

/**
 * A unary request message already encoded (a hot call written byte by byte, e.g. a framework's
 * acknowledgements): this transport sends the bytes as they are; its fallback gets them decoded.
 */
export class EncodedRequest {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * Decoders by hand of a stream's messages of a schema (a framework's hot events): each returns the
 * message protobuf-es would decode, or undefined to leave the bytes to protobuf-es.
 */
export type StreamDecoders = ReadonlyMap<DescMessage, (bytes: Uint8Array) => AnyMessage | undefined>;

/**
 * `fallback` takes what this does not: deadlines and client or bidi streams. With `post`, unary
 * calls go on its kept-alive connections (keep-alive-post.ts) instead of fetch.
 */
export function createBinaryConnectTransport(
  baseUrl: string,
  fallback: Transport,
  fetcher?: Fetch,
  post?: KeepAlivePost,
  decoders?: StreamDecoders,
): Transport {
  const base = baseUrl.replace(/\/?$/, "/");
  const urls = new WeakMap<DescMethod, string>();
  const urlOf = (method: DescMethod) => {
    let url = urls.get(method);
    if (url === undefined) urls.set(method, (url = `${base}${method.parent.typeName}/${method.name}`));
    return url;
  };
  const doFetch: Fetch = fetcher ?? ((input, init) => fetch(input, init));
  // One signature for both methods: connect's generic ones cannot be implemented without casts.
  const transport = {
    async unary(...args: Parameters<Transport["unary"]>): Promise<UnaryResponse> {
      const [method, signal, timeoutMs, header, message] = args;
      if (timeoutMs !== undefined && timeoutMs > 0) {
        if (message instanceof EncodedRequest) args[4] = fromBinary(method.input, message.bytes) as never;
        return fallback.unary(...args);
      }
      try {
        const body = message instanceof EncodedRequest ? message.bytes : toBinary(method.input, create(method.input, message as never));
        if (post) return await unaryOverPost(post, urlOf(method), method, header, body, signal);
        const response = await doFetch(urlOf(method), {
          method: "POST",
          redirect: NO_REDIRECT,
          headers: requestHeaders(header, contentTypeUnaryProto),
          signal,
          body,
        });
        const { isUnaryError, unaryError } = validateResponse("unary", true, response.status, response.headers);
        if (isUnaryError) throw errorFromJson((await response.json()) as JsonValue, appendHeaders(...trailerDemux(response.headers)), unaryError);
        const output = fromBinary(method.output, new Uint8Array(await response.arrayBuffer()));
        return unaryResponse(method, response.headers, output);
      } catch (e) {
        throw callError(e, signal);
      }
    },

    async stream(...args: Parameters<Transport["stream"]>): Promise<StreamResponse> {
      const [method, signal, timeoutMs, header, input] = args;
      if ((timeoutMs !== undefined && timeoutMs > 0) || method.methodKind !== "server_streaming") return fallback.stream(...args);
      try {
        const first = await input[Symbol.asyncIterator]().next();
        if (first.done) throw new ConnectError("missing request message");
        const data = toBinary(method.input, create(method.input, first.value as never));
        const body = new Uint8Array(HEADER_BYTES + data.length);
        writeLength(body, data.length);
        body.set(data, HEADER_BYTES);
        const response = await doFetch(urlOf(method), {
          method: "POST",
          redirect: NO_REDIRECT,
          headers: requestHeaders(header, contentTypeStreamProto),
          signal,
          body,
        });
        validateResponse("server_streaming", true, response.status, response.headers);
        if (response.body === null) throw new ConnectError("missing response body");
        const trailer = new Headers();
        const messages = readMessages(method.output, response.body, response.headers, trailer, signal, decoders?.get(method.output));
        return { stream: true, service: method.parent, method, header: response.headers, trailer, message: messages } as StreamResponse;
      } catch (e) {
        throw callError(e, signal);
      }
    },
  };
  return transport as unknown as Transport;
}

/** A unary call on a kept-alive connection: answered as the fetch path answers it. */
async function unaryOverPost(
  post: KeepAlivePost,
  url: string,
  method: DescMethod,
  header: HeadersInit | undefined,
  body: Uint8Array,
  signal: AbortSignal | undefined,
): Promise<UnaryResponse> {
  const headers = requestHeaders(header, contentTypeUnaryProto);
  const answer = await post(url, headers instanceof Headers ? Object.fromEntries(headers) : (headers as Record<string, string>), body, signal);
  // A successful answer's headers are read only if the caller asks for them.
  const answerHeaders = answer.status === 200 ? (new AnswerHeaders(answer.headers) as unknown as Headers) : new Headers(answer.headers);
  // The usual answer (200, exactly the unary binary content type) passes validateResponse's checks without its parsing.
  if (answer.status !== 200 || contentTypeOf(answer.headers) !== contentTypeUnaryProto) {
    const { isUnaryError, unaryError } = validateResponse("unary", true, answer.status, answerHeaders);
    if (isUnaryError) {
      const json = JSON.parse(new TextDecoder().decode(answer.body)) as JsonValue;
      throw errorFromJson(json, appendHeaders(...trailerDemux(answerHeaders)), unaryError);
    }
  }
  // An empty body (a scheduler call's CallAccepted) decodes to the empty message.
  const output = answer.body.length === 0 ? create(method.output) : fromBinary(method.output, answer.body);
  return unaryResponse(method, answerHeaders, output);
}

/** The answer's one Content-Type, or undefined (none, or more than one). */
function contentTypeOf(fields: [string, string][]): string | undefined {
  let found: string | undefined;
  for (const [name, value] of fields) {
    if (name.length !== headerContentType.length || name.toLowerCase() !== CONTENT_TYPE) continue;
    if (found !== undefined) return undefined;
    found = value;
  }
  return found;
}
const CONTENT_TYPE = headerContentType.toLowerCase();

/** The few Headers methods connect reads (get, has, forEach) over an answer's fields, without building a Headers. */
class AnswerHeaders {
  constructor(private readonly fields: [string, string][]) {}
  get(name: string): string | null {
    const lower = name.toLowerCase();
    const values = this.fields.filter(([k]) => k.toLowerCase() === lower).map(([, v]) => v);
    return values.length === 0 ? null : values.join(", ");
  }
  has(name: string): boolean {
    return this.get(name) !== null;
  }
  forEach(callback: (value: string, key: string) => void): void {
    for (const [key, value] of this.fields) callback(value, key.toLowerCase());
  }
}

/** Ours win over the caller's of the same name, as in connect-web. */
function requestHeaders(header: HeadersInit | undefined, contentType: string): HeadersInit {
  // The common case (no headers, or a plain record of others) without a Headers object.
  if (header === undefined || (header.constructor === Object && !Object.keys(header).some(isOurs))) {
    return { ...(header as Record<string, string> | undefined), [headerContentType]: contentType, [headerProtocolVersion]: protocolVersion };
  }
  const headers = new Headers(header);
  headers.set(headerContentType, contentType);
  headers.set(headerProtocolVersion, protocolVersion);
  return headers;
}

const OURS = new Set([headerContentType.toLowerCase(), headerProtocolVersion.toLowerCase()]);
const isOurs = (name: string) => OURS.has(name.toLowerCase());

/** Headers and trailers (sent as `trailer-*` headers) split only if the caller reads them. */
function unaryResponse(method: DescMethod, headers: Headers, message: AnyMessage): UnaryResponse {
  return new LazyUnaryResponse(method, headers, message) as unknown as UnaryResponse;
}

/** A class rather than an object literal with getters: a framework makes thousands a second, and the literal cost several times more. */
class LazyUnaryResponse {
  readonly stream = false;
  readonly service: DescMethod["parent"];
  #split: [Headers, Headers] | undefined;
  constructor(
    readonly method: DescMethod,
    private readonly headers: Headers,
    readonly message: AnyMessage,
  ) {
    this.service = method.parent;
  }
  get header(): Headers {
    return (this.#split ??= trailerDemux(this.headers))[0];
  }
  get trailer(): Headers {
    return (this.#split ??= trailerDemux(this.headers))[1];
  }
}

/** What connect-web throws for a failed call: Canceled with the reason if the caller aborted it. */
function callError(e: unknown, signal: AbortSignal | undefined): ConnectError {
  if (signal?.aborted) return ConnectError.from(getAbortSignalReason(signal), Code.Canceled);
  return ConnectError.from(e);
}

function writeLength(bytes: Uint8Array, length: number): void {
  bytes[1] = length >>> 24;
  bytes[2] = (length >>> 16) & 0xff;
  bytes[3] = (length >>> 8) & 0xff;
  bytes[4] = length & 0xff;
}

/**
 * The messages of a stream's body: each chunk read is cut into its envelopes, and the messages in
 * it are handed out one by one before the next read. The end-stream message fills `trailer` or
 * throws its error (with the response headers in its metadata, as connect-web does).
 */
function readMessages<Desc extends DescMessage>(
  schema: Desc,
  body: ReadableStream<Uint8Array>,
  header: Headers,
  trailer: Headers,
  signal: AbortSignal | undefined,
  byHand?: (bytes: Uint8Array) => AnyMessage | undefined,
): AsyncIterable<MessageShape<Desc>> {
  const reader = body.getReader();
  const ready: MessageShape<Desc>[] = [];
  let at = 0;
  let buffer: Uint8Array = EMPTY;
  let ended = false;
  let finished = false;
  // An error found in a chunk is thrown after the messages before it have been handed out.
  let failure: unknown;

  /** Cuts the complete envelopes off the front of `buffer`. */
  const cut = () => {
    let offset = 0;
    while (buffer.length - offset >= HEADER_BYTES) {
      const length = ((buffer[offset + 1]! << 24) | (buffer[offset + 2]! << 16) | (buffer[offset + 3]! << 8) | buffer[offset + 4]!) >>> 0;
      if (buffer.length - offset - HEADER_BYTES < length) break;
      const flags = buffer[offset]!;
      const data = buffer.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
      offset += HEADER_BYTES + length;
      if ((flags & compressedFlag) === compressedFlag)
        throw new ConnectError("protocol error: received unsupported compressed output", Code.Internal);
      if ((flags & endStreamFlag) === endStreamFlag) {
        ended = true;
        const end = endStreamFromJson(data);
        if (end.error) {
          const error = end.error;
          header.forEach((value, key) => error.metadata.append(key, value));
          throw error;
        }
        end.metadata.forEach((value, key) => trailer.set(key, value));
        continue;
      }
      ready.push(((byHand?.(data) as MessageShape<Desc> | undefined) ?? fromBinary(schema, data)) as MessageShape<Desc>);
    }
    buffer = offset === buffer.length ? EMPTY : buffer.subarray(offset);
  };

  const next = async (): Promise<IteratorResult<MessageShape<Desc>>> => {
    if (finished) return { done: true, value: undefined };
    try {
      while (at === ready.length) {
        ready.length = 0;
        at = 0;
        if (failure !== undefined) throw failure;
        const chunk = await reader.read();
        if (chunk.done) {
          signal?.throwIfAborted();
          if (!ended) throw new ConnectError("missing EndStreamResponse");
          finished = true;
          return { done: true, value: undefined };
        }
        buffer = buffer.length === 0 ? chunk.value : concat(buffer, chunk.value);
        try {
          cut();
        } catch (e) {
          failure = e;
        }
      }
      return { done: false, value: ready[at++]! };
    } catch (e) {
      finished = true;
      void reader.cancel().catch(() => {});
      throw callError(e, signal);
    }
  };
  return { [Symbol.asyncIterator]: () => ({ next }) };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
