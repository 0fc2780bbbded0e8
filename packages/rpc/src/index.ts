export { toConnectError, fromConnectError } from "./errors.ts";
export { createInMemoryTransport, mountConnect, type ConnectApi } from "./serve.ts";
export { createTransport, toBaseUrl, type TransportOptions } from "./transport.ts";
export * from "./v1-http/index.ts";
export { serveLateBound, type LateBoundServer } from "./late-bound-server.ts";
export { type CallGuard, checkCall, type Refusal } from "./guard/call-guard.ts";
export { guardInterceptor, refusalError } from "./guard/guard-interceptor.ts";
export { checkJsonDepth, readBoundedBody } from "./request-limits.ts";
