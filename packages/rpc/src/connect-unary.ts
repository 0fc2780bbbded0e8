/**
 * Unary calls of the Connect protocol (POST, `application/proto` or `application/json`), served
 * here directly: read the body, decode, run the interceptors and the implementation, encode. This is
 * the hot path (scheduler calls, acknowledgements, every message an agent sends) and Connect's
 * universal handler, built for every protocol and for streams, costs about as much again per call.
 * Anything else (streams, gRPC, gRPC-web, GET, compressed bodies) goes to Connect's handler, as do
 * bodies we decline here; both answer alike: Connect's error JSON and status, Mesos's parse messages.
 */
import { create, type DescMessage, fromBinary, fromJsonString, isMessage, toBinary, toJsonString } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ContextValues,
  createContextValues,
  type HandlerContext,
  type Interceptor,
  type MethodImplSpec,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { codeToHttpStatus, contentTypeUnaryJson, contentTypeUnaryProto, errorToJsonBytes, parseTimeout } from "@connectrpc/connect/protocol-connect";
import { isMesosError } from "@mesos/core";
import { checkJsonDepth, MAX_REQUEST_BODY_BYTES, readBoundedBody } from "./request-limits.ts";

const JSON_READ = { ignoreUnknownFields: true };
const IDENTITY = new Set([null, "", "identity"]);

type UnarySpec = Extract<MethodImplSpec, { kind: "unary" }>;

function errorResponse(error: ConnectError, header?: Headers | Record<string, string>): Response {
  const headers = new Headers(header);
  if (!error.isWireError) error.metadata.forEach((value, key) => headers.append(key, value));
  headers.set("content-type", contentTypeUnaryJson);
  return new Response(errorToJsonBytes(error, {}), { status: codeToHttpStatus(error.code), headers });
}

function decode(schema: DescMessage, bytes: Uint8Array, binary: boolean) {
  try {
    if (binary) return fromBinary(schema, bytes);
    checkJsonDepth(bytes);
    return fromJsonString(schema, new TextDecoder().decode(bytes), JSON_READ);
  } catch (e) {
    const what = binary ? `${schema.name} protobuf` : "JSON";
    throw new ConnectError(`Failed to parse body into ${what}: ${(e as Error).message}`, Code.InvalidArgument);
  }
}

/**
 * What Connect's HandlerContext holds for one call, made lazily: the abort signal (linked to the
 * request's and to the deadline), the response headers and trailers and the context values. Unary
 * handlers here rarely read any of them, and making them all for every call (two AbortControllers,
 * listeners, four Headers) cost as much as the rest of the call.
 */
export class UnaryCall {
  private controller?: AbortController;
  private timer?: ReturnType<typeof setTimeout>;
  private header?: Headers;
  private trailer?: Headers;
  private contextValues?: ContextValues;
  private readonly deadline?: number;

  constructor(
    readonly req: Request,
    readonly binary: boolean,
    timeoutMs: number | undefined,
  ) {
    if (timeoutMs !== undefined) this.deadline = Date.now() + timeoutMs;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = (this.controller = new AbortController());
      const onRequestAbort = () => this.end(this.req.signal.reason);
      if (this.req.signal.aborted) controller.abort(this.req.signal.reason);
      else this.req.signal.addEventListener("abort", onRequestAbort, { once: true });
      controller.signal.addEventListener("abort", () => this.req.signal.removeEventListener("abort", onRequestAbort), { once: true });
      const left = this.timeoutMs();
      if (left !== undefined) {
        const timedOut = () => this.end(new ConnectError("the operation timed out", Code.DeadlineExceeded));
        if (left <= 0) timedOut();
        else this.timer = setTimeout(timedOut, left);
      }
    }
    return this.controller.signal;
  }

  get responseHeader(): Headers {
    return (this.header ??= new Headers({ "content-type": this.binary ? contentTypeUnaryProto : contentTypeUnaryJson }));
  }

  get responseTrailer(): Headers {
    return (this.trailer ??= new Headers());
  }

  get values(): ContextValues {
    return (this.contextValues ??= createContextValues());
  }

  timeoutMs(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - Date.now();
  }

  /** Aborts the signal, if anyone asked for it: the call is over (or failed with `reason`). */
  end(reason?: unknown): void {
    clearTimeout(this.timer);
    if (this.controller && !this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** The headers a handler set, if it set any. */
  get handlerHeader(): Headers | undefined {
    return this.header;
  }

  /** The success response's headers: the content type, what the handler added, its trailers as `trailer-*`. */
  headers(): Headers | Record<string, string> {
    const type = this.binary ? contentTypeUnaryProto : contentTypeUnaryJson;
    if (!this.header && !this.trailer) return { "content-type": type };
    const headers = new Headers(this.header);
    headers.set("content-type", type);
    this.trailer?.forEach((value, key) => headers.append(`trailer-${key}`, value));
    return headers;
  }
}

const CALL = Symbol("unary call");
type CallRequest = UnaryRequest & { [CALL]: UnaryCall };
type CallResponse = UnaryResponse & { [CALL]: UnaryCall };

/** A fetch handler for one unary method; undefined for a request it leaves to Connect's handler. */
export function createUnaryFetchHandler(spec: UnarySpec, interceptors: Interceptor[], limit = MAX_REQUEST_BODY_BYTES) {
  const { method } = spec;
  const service = method.parent;
  // Built once per method: the implementation behind the interceptors, finding its call on the request.
  const implementation = async (r: UnaryRequest): Promise<UnaryResponse> => {
    const call = (r as CallRequest)[CALL];
    const context: HandlerContext = {
      method,
      service: r.service,
      protocolName: "connect",
      requestMethod: r.requestMethod,
      url: r.url,
      requestHeader: r.header,
      get signal() {
        return r.signal;
      },
      get responseHeader() {
        return call.responseHeader;
      },
      get responseTrailer() {
        return call.responseTrailer;
      },
      values: r.contextValues,
      timeoutMs: () => call.timeoutMs(),
    };
    const out = await spec.impl(r.message, context);
    const message = isMessage(out, method.output) ? out : create(method.output, out);
    const response: CallResponse = {
      stream: false,
      service,
      method,
      message,
      [CALL]: call,
      get header() {
        return call.responseHeader;
      },
      get trailer() {
        return call.responseTrailer;
      },
    };
    return response;
  };
  // The first interceptor is outermost, as in Connect.
  const invoke = interceptors.reduceRight((next, interceptor) => interceptor(next), implementation as Parameters<Interceptor>[0]);

  return (req: Request): Promise<Response> | undefined => {
    if (req.method !== "POST") return undefined;
    const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const binary = type === "application/proto";
    if (!binary && type !== "application/json") return undefined;
    if (!IDENTITY.has(req.headers.get("content-encoding"))) return undefined;
    return serve(req, binary);
  };

  async function serve(req: Request, binary: boolean): Promise<Response> {
    const timeout = parseTimeout(req.headers.get("connect-timeout-ms"), Number.MAX_SAFE_INTEGER);
    if (timeout.error) return errorResponse(timeout.error);
    const call = new UnaryCall(req, binary, timeout.timeoutMs);
    try {
      let bytes: Uint8Array;
      try {
        bytes = await readBoundedBody(req, limit);
      } catch (e) {
        if (isMesosError(e, "too_large")) throw new ConnectError(e.message, Code.ResourceExhausted);
        throw new ConnectError(`Failed to read the request body: ${(e as Error).message}`, Code.InvalidArgument);
      }
      const request: CallRequest = {
        stream: false,
        service,
        method,
        requestMethod: "POST",
        url: req.url,
        header: req.headers,
        get contextValues() {
          return call.values;
        },
        get signal() {
          return call.signal;
        },
        message: decode(method.input, bytes, binary),
        [CALL]: call,
      };
      const res = (await invoke(request)) as UnaryResponse;
      // An interceptor that answered with headers of its own: Connect copies them onto the call's.
      if (!(CALL in res)) {
        replaceHeaders(call.responseHeader, res.header);
        replaceHeaders(call.responseTrailer, res.trailer);
      }
      const body = binary ? toBinary(method.output, res.message) : toJsonString(method.output, res.message);
      return new Response(body, { status: 200, headers: call.headers() });
    } catch (e) {
      call.end(e);
      const error = e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e);
      return errorResponse(error, call.handlerHeader);
    } finally {
      call.end();
    }
  }
}

function replaceHeaders(to: Headers, from: Headers): void {
  if (from === to) return;
  for (const key of [...to.keys()]) to.delete(key);
  from.forEach((value, key) => to.set(key, value));
}
