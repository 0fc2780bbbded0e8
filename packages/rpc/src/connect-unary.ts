/**
 * Unary calls of the Connect protocol (POST, `application/proto` or `application/json`), served
 * here directly: read the body, decode, run the interceptors and the implementation, encode. This is
 * the hot path (scheduler calls, acknowledgements, every message an agent sends) and Connect's
 * universal handler, built for every protocol and for streams, costs about as much again per call.
 * Anything else (streams, gRPC, gRPC-web, GET, compressed bodies) goes to Connect's handler, as do
 * bodies we decline here; both answer alike: Connect's error JSON and status, Mesos's parse messages.
 */
import { type DescMessage, fromBinary, fromJsonString, toBinary, toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError, createHandlerContext, type Interceptor, type MethodImplSpec } from "@connectrpc/connect";
import { invokeUnaryImplementation } from "@connectrpc/connect/protocol";
import { codeToHttpStatus, contentTypeUnaryJson, contentTypeUnaryProto, errorToJsonBytes, parseTimeout } from "@connectrpc/connect/protocol-connect";
import { isMesosError } from "@mesos/core";
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

/** A fetch handler for one unary method; undefined for a request it leaves to Connect's handler. */
export function createUnaryFetchHandler(spec: UnarySpec, interceptors: Interceptor[], limit = MAX_REQUEST_BODY_BYTES) {
  const { method } = spec;
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
    const context = createHandlerContext({
      service: method.parent,
      method,
      protocolName: "connect",
      requestMethod: "POST",
      url: req.url,
      timeoutMs: timeout.timeoutMs,
      requestSignal: req.signal,
      requestHeader: req.headers,
      responseHeader: { "content-type": binary ? contentTypeUnaryProto : contentTypeUnaryJson },
    });
    try {
      let bytes: Uint8Array;
      try {
        bytes = await readBoundedBody(req, limit);
      } catch (e) {
        if (isMesosError(e, "too_large")) throw new ConnectError(e.message, Code.ResourceExhausted);
        throw new ConnectError(`Failed to read the request body: ${(e as Error).message}`, Code.InvalidArgument);
      }
      const output = await invokeUnaryImplementation(spec, context, decode(method.input, bytes, binary), interceptors);
      const body = binary ? toBinary(method.output, output) : toJsonString(method.output, output);
      const headers = new Headers(context.responseHeader);
      context.responseTrailer.forEach((value, key) => headers.append(`trailer-${key}`, value));
      return new Response(body, { status: 200, headers });
    } catch (e) {
      context.abort(e);
      const error = e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e);
      return errorResponse(error, context.responseHeader);
    } finally {
      context.abort();
    }
  }
}
