/**
 * Serving Connect services from a hono app, so Connect and plain HTTP endpoints share one port,
 * and reaching the same services in memory (tests). Errors thrown by handlers (MesosError) become
 * Connect errors with the mapped code. Request bodies are checked before Connect parses them
 * (connect-request-guard.ts).
 */
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createConnectRouter,
  createRouterTransport,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import type { Hono } from "hono";
import { createGuardedFetchHandler } from "./connect-request-guard.ts";
import { toConnectError } from "./errors.ts";
import { MAX_REQUEST_BODY_BYTES } from "./request-limits.ts";
import { missingRequiredFields } from "./v1-http/message-codec.ts";

/** An app's Connect services: how to register them, and the interceptors they run behind (the guard stage). */
export interface ConnectApi {
  routes(router: ConnectRouter): void;
  interceptors: Interceptor[];
}

async function* mapStreamErrors<T>(stream: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* stream;
  } catch (e) {
    throw toConnectError(e);
  }
}

const errorInterceptor: Interceptor = (next) => async (req) => {
  try {
    const res = await next(req);
    if (res.stream) return { ...res, message: mapStreamErrors(res.message) };
    return res;
  } catch (e) {
    throw toConnectError(e);
  }
};

/**
 * Mesos refuses a message with a required field unset (protobuf's IsInitialized); protobuf-es reads
 * one happily, and a handler could trip over the hole. The v1 HTTP adapter checks while decoding;
 * Connect requests are checked here, after the API's own interceptors (leadership comes first).
 */
const requiredFieldsInterceptor: Interceptor = (next) => async (req) => {
  if (!req.stream) {
    const missing = missingRequiredFields(req.method.input, req.message);
    if (missing.length > 0) throw new ConnectError(`Missing required fields: ${missing.join(", ")}`, Code.InvalidArgument);
  }
  return next(req);
};

const normalize = (api: ConnectApi | ConnectApi["routes"]): ConnectApi => (typeof api === "function" ? { routes: api, interceptors: [] } : api);

/** The router options every server uses: the error mapping outermost, then the API's own interceptors, then the required fields. */
const routerOptions = (api: ConnectApi) => ({
  interceptors: [errorInterceptor, ...api.interceptors, requiredFieldsInterceptor],
  readMaxBytes: MAX_REQUEST_BODY_BYTES,
});

export function mountConnect(app: Hono, services: ConnectApi | ConnectApi["routes"]): void {
  const api = normalize(services);
  const router = createConnectRouter(routerOptions(api));
  api.routes(router);
  for (const handler of router.handlers) {
    const fetchHandler = createGuardedFetchHandler(handler);
    app.on(handler.allowedMethods as string[], handler.requestPath, (c) => fetchHandler(c.req.raw));
  }
}

/** A client transport that calls the services in this process, without a socket (Connect's router transport). */
export function createInMemoryTransport(services: ConnectApi | ConnectApi["routes"]): Transport {
  const api = normalize(services);
  return createRouterTransport(api.routes, { router: routerOptions(api) });
}
