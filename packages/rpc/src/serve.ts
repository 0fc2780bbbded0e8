/**
 * Serving Connect services from a hono app, so Connect and plain HTTP endpoints share one port,
 * and reaching the same services in memory (tests). Errors thrown by handlers (MesosError) become
 * Connect errors with the mapped code. Request bodies are checked before Connect parses them
 * (connect-request-guard.ts).
 */
import { type ConnectRouter, createConnectRouter, createRouterTransport, type Interceptor, type Transport } from "@connectrpc/connect";
import type { Hono } from "hono";
import { createGuardedFetchHandler } from "./connect-request-guard.ts";
import { toConnectError } from "./errors.ts";
import { MAX_REQUEST_BODY_BYTES } from "./request-limits.ts";

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

const normalize = (api: ConnectApi | ConnectApi["routes"]): ConnectApi => (typeof api === "function" ? { routes: api, interceptors: [] } : api);

/** The router options every server uses: the error mapping outermost, then the API's own interceptors. */
const routerOptions = (api: ConnectApi) => ({ interceptors: [errorInterceptor, ...api.interceptors], readMaxBytes: MAX_REQUEST_BODY_BYTES });

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
