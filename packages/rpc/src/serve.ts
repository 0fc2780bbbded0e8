/**
 * Serving Connect services from a hono app, so Connect and plain HTTP endpoints share one port.
 * Errors thrown by handlers (MesosError) become Connect errors with the mapped code; request bodies
 * are checked before Connect parses them (connect-request-guard.ts).
 */
import { type ConnectRouter, createConnectRouter, type Interceptor } from "@connectrpc/connect";
import type { Hono } from "hono";
import { createGuardedFetchHandler } from "./connect-request-guard.ts";
import { toConnectError } from "./errors.ts";
import { MAX_REQUEST_BODY_BYTES } from "./request-limits.ts";

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

export function mountConnect(app: Hono, routes: (router: ConnectRouter) => void): void {
  const router = createConnectRouter({ interceptors: [errorInterceptor], readMaxBytes: MAX_REQUEST_BODY_BYTES });
  routes(router);
  for (const handler of router.handlers) {
    const fetchHandler = createGuardedFetchHandler(handler);
    app.on(handler.allowedMethods as string[], handler.requestPath, (c) => fetchHandler(c.req.raw));
  }
}
