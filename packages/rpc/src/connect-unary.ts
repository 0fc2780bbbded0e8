/**
 * Unary calls of the Connect protocol (POST, `application/proto` or `application/json`), served
 * here directly: read the body, decode, run the interceptors and the implementation, encode. This is
 * the hot path (scheduler calls, acknowledgements, every message an agent sends) and Connect's
 * universal handler, built for every protocol and for streams, costs about as much again per call.
 * Anything else (streams, gRPC, gRPC-web, GET, compressed bodies) goes to Connect's handler, as do
 * bodies we decline here; both answer alike: Connect's error JSON and status, Mesos's parse messages.
 */
import { create, type DescMessage, fromBinary, fromJsonString, isMessage, toBinary, toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor, type MethodImplSpec, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import { codeToHttpStatus, contentTypeUnaryJson, contentTypeUnaryProto, errorToJsonBytes, parseTimeout } from "@connectrpc/connect/protocol-connect";
import { isMesosError } from "@mesos/core";
import { type CallShortcut, tryShortcut } from "./call-shortcut.ts";
import { ConnectCall, replaceHeaders, withInterceptors } from "./connect-call.ts";
import { toConnectError } from "./errors.ts";
import { checkJsonDepth, MAX_REQUEST_BODY_BYTES, readBoundedBody } from "./request-limits.ts";

const JSON_READ = { ignoreUnknownFields: true };
const IDENTITY = new Set([null, "", "identity"]);

type UnarySpec = Extract<MethodImplSpec, { kind: "unary" }>;

function errorResponse(error: ConnectError, header?: Headers): Response {
  const headers = new Headers(header);
  if (!error.isWireError) error.metadata.forEach((value, key) => headers.append(key, value));
  headers.set("content-type", contentTypeUnaryJson);
  return new Response(errorToJsonBytes(error, {}), { status: codeToHttpStatus(error.code), headers });
}

/** A request message, or invalid_argument with Mesos's words (the v1 HTTP API's). */
export function decodeRequest(schema: DescMessage, bytes: Uint8Array, binary: boolean) {
  try {
    if (binary) return fromBinary(schema, bytes);
    checkJsonDepth(bytes);
    return fromJsonString(schema, new TextDecoder().decode(bytes), JSON_READ);
  } catch (e) {
    const what = binary ? `${schema.name} protobuf` : "JSON";
    throw new ConnectError(`Failed to parse body into ${what}: ${(e as Error).message}`, Code.InvalidArgument);
  }
}

/** The whole body, with Connect's codes for one too large or unreadable. */
export async function readRequestBody(req: Request, limit: number): Promise<Uint8Array> {
  try {
    return await readBoundedBody(req, limit);
  } catch (e) {
    if (isMesosError(e, "too_large")) throw new ConnectError(e.message, Code.ResourceExhausted);
    throw new ConnectError(`Failed to read the request body: ${(e as Error).message}`, Code.InvalidArgument);
  }
}

/**
 * A fetch handler for one unary method; undefined for a request it leaves to Connect's handler.
 * A `shortcut` (call-shortcut.ts) sees protobuf bodies first; the calls it serves answer the
 * method's empty response message.
 */
export function createUnaryFetchHandler(spec: UnarySpec, interceptors: Interceptor[], limit = MAX_REQUEST_BODY_BYTES, shortcut?: CallShortcut) {
  const { method } = spec;
  const service = method.parent;
  // Only with a shortcut: an output with required fields has no empty form.
  const emptyAnswer = shortcut && toBinary(method.output, create(method.output));
  // Built once per method: each request carries its call (ConnectCall.of).
  const invoke = withInterceptors(async (r) => {
    const call = ConnectCall.of(r);
    const out = await spec.impl((r as UnaryRequest).message, ConnectCall.context(method, r));
    const message = isMessage(out, method.output) ? out : create(method.output, out);
    return call.response<UnaryResponse>({ stream: false, service, method, message });
  }, interceptors);

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
    const call = new ConnectCall(req, binary ? contentTypeUnaryProto : contentTypeUnaryJson, timeout.timeoutMs);
    try {
      const bytes = await readRequestBody(req, limit);
      const served = binary ? tryShortcut(shortcut, bytes, req.headers) : undefined;
      if (served) {
        // Errors as the general path's error interceptor maps them (serve.ts).
        await served.catch((e) => Promise.reject(toConnectError(e)));
        return new Response(emptyAnswer, { status: 200, headers: call.headers(true) });
      }
      const request = call.request<UnaryRequest>({ stream: false, service, method, message: decodeRequest(method.input, bytes, binary) });
      const res = (await invoke(request)) as UnaryResponse;
      // An interceptor that answered with headers of its own: Connect copies them onto the call's.
      if (!ConnectCall.isOwn(res)) {
        replaceHeaders(call.responseHeader, res.header);
        replaceHeaders(call.responseTrailer, res.trailer);
      }
      const body = binary ? toBinary(method.output, res.message) : toJsonString(method.output, res.message);
      return new Response(body, { status: 200, headers: call.headers(true) });
    } catch (e) {
      call.end(e);
      const error = e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e);
      return errorResponse(error, call.handlerHeader);
    } finally {
      call.end();
    }
  }
}
