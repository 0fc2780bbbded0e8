/**
 * Serving Connect services from a hono app, so Connect and plain HTTP endpoints share one port,
 * and reaching the same services in memory (tests). Errors thrown by handlers (MesosError) become
 * Connect errors with the mapped code. Unary and server-streaming Connect calls take fast paths
 * (connect-unary.ts, connect-server-stream.ts); other request bodies are checked before Connect
 * parses them (connect-request-guard.ts).
 */
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createConnectRouter,
  createRouterTransport,
  createServiceImplSpec,
  type Interceptor,
  type MethodImplSpec,
  type ServiceImpl,
  type Transport,
} from "@connectrpc/connect";
import type { Hono } from "hono";
import type { CallShortcut } from "./call-shortcut.ts";
import { createGuardedFetchHandler } from "./connect-request-guard.ts";
import { createServerStreamFetchHandler } from "./connect-server-stream.ts";
import { createUnaryFetchHandler } from "./connect-unary.ts";
import { toConnectError } from "./errors.ts";
import { MAX_REQUEST_BODY_BYTES } from "./request-limits.ts";
import { missingRequiredFields } from "./v1-http/message-codec.ts";

/** An app's Connect services: how to register them, and the interceptors they run behind (the guard stage). */
export interface ConnectApi {
  routes(router: ConnectRouter): void;
  interceptors: Interceptor[];
  /** Hand-served forms of some unary methods' calls (call-shortcut.ts), over HTTP only. */
  shortcuts?: ReadonlyMap<DescMethod, CallShortcut>;
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
  const options = routerOptions(api);
  const router = createConnectRouter(options);
  // The implementations, for the fast paths (connect-unary.ts, connect-server-stream.ts).
  const specs = new Map<DescMethod, MethodImplSpec>();
  api.routes(
    new Proxy(router, {
      get(target, prop, receiver) {
        if (prop !== "service") return Reflect.get(target, prop, receiver);
        return (service: DescService, impl: ServiceImpl<DescService>, opts?: Parameters<ConnectRouter["service"]>[2]) => {
          for (const spec of Object.values(createServiceImplSpec(service, impl).methods)) specs.set(spec.method, spec);
          target.service(service, impl, opts);
          return receiver;
        };
      },
    }),
  );
  const fastPaths = new Map<string, (req: Request) => Promise<Response> | undefined>();
  for (const handler of router.handlers) {
    const guarded = createGuardedFetchHandler(handler);
    const spec = specs.get(handler.method);
    const fast =
      spec?.kind === "unary"
        ? createUnaryFetchHandler(spec, options.interceptors, MAX_REQUEST_BODY_BYTES, api.shortcuts?.get(spec.method))
        : spec?.kind === "server_streaming"
          ? createServerStreamFetchHandler(spec, options.interceptors)
          : undefined;
    if (fast) fastPaths.set(handler.requestPath, fast);
    app.on(handler.allowedMethods as string[], handler.requestPath, (c) => fast?.(c.req.raw) ?? guarded(c.req.raw));
  }
  // Calls on the fast paths skip hono's routing and middleware (none of which applies to a Connect POST): at
  // thousands of calls a second, dispatch through hono cost a tenth of the master's time.
  // `app.request()` goes through `app.fetch` too, so tests see the same path.
  const viaHono = app.fetch;
  app.fetch = (req, ...rest) => fastPaths.get(pathOf(req.url))?.(req) ?? viaHono(req, ...rest);
}

/** A URL's path, without parsing the URL (`http://host:port/a/b?q` -> `/a/b`). */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  return query < 0 ? url.slice(start) : url.slice(start, query);
}

/** A client transport that calls the services in this process, without a socket (Connect's router transport). */
export function createInMemoryTransport(services: ConnectApi | ConnectApi["routes"]): Transport {
  const api = normalize(services);
  return createRouterTransport(api.routes, { router: routerOptions(api) });
}
