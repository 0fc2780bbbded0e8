/**
 * One call on our Connect fast paths (connect-unary.ts, connect-server-stream.ts): what Connect's
 * HandlerContext holds, made lazily. The abort signal (linked to the request's and to the
 * deadline), the response headers and trailers and the context values are rarely read by our
 * handlers, and making them all for every call (two AbortControllers, listeners, four Headers) cost
 * as much as the rest of a unary call.
 */
import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError, type ContextValues, createContextValues, type HandlerContext, type Interceptor } from "@connectrpc/connect";

type AnyRequest = Parameters<Parameters<Interceptor>[0]>[0];
type AnyResponse = Awaited<ReturnType<Parameters<Interceptor>[0]>>;

const CALL = Symbol("connect call");

export class ConnectCall {
  private controller?: AbortController;
  private timer?: ReturnType<typeof setTimeout>;
  private header?: Headers;
  private trailer?: Headers;
  private contextValues?: ContextValues;
  private readonly deadline?: number;

  constructor(
    readonly req: Request,
    /** The response's content type. */
    readonly contentType: string,
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
    return (this.header ??= new Headers({ "content-type": this.contentType }));
  }

  get responseTrailer(): Headers {
    return (this.trailer ??= new Headers());
  }

  get values(): ContextValues {
    return (this.contextValues ??= createContextValues());
  }

  /** The trailers a handler set, if it set any. */
  get handlerTrailer(): Headers | undefined {
    return this.trailer;
  }

  /** The headers a handler set, if it set any. */
  get handlerHeader(): Headers | undefined {
    return this.header;
  }

  timeoutMs(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - Date.now();
  }

  /** Aborts the signal, if anyone asked for it: the call is over (or failed with `reason`). */
  end(reason?: unknown): void {
    clearTimeout(this.timer);
    if (this.controller && !this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** The response's headers: the content type, what the handler added, for a unary call its trailers as `trailer-*`. */
  headers(trailersAsHeaders: boolean): Headers | Record<string, string> {
    if (!this.header && !this.trailer) return { "content-type": this.contentType };
    const headers = new Headers(this.header);
    headers.set("content-type", this.contentType);
    if (trailersAsHeaders) this.trailer?.forEach((value, key) => headers.append(`trailer-${key}`, value));
    return headers;
  }

  /** The request the interceptors get (its signal and context values made only if read). */
  request<R extends AnyRequest>(fields: Omit<R, "signal" | "contextValues" | "requestMethod" | "url" | "header">): R {
    const call = this;
    return {
      ...fields,
      requestMethod: "POST",
      url: this.req.url,
      header: this.req.headers,
      get contextValues() {
        return call.values;
      },
      get signal() {
        return call.signal;
      },
      [CALL]: call,
    } as unknown as R;
  }

  /** The response an implementation gives the interceptors back (headers and trailers made only if read). */
  response<R extends AnyResponse>(fields: Omit<R, "header" | "trailer">): R {
    const call = this;
    return {
      ...fields,
      get header() {
        return call.responseHeader;
      },
      get trailer() {
        return call.responseTrailer;
      },
      [CALL]: call,
    } as unknown as R;
  }

  /** The call a request (as an interceptor passed it on) belongs to. */
  static of(r: AnyRequest): ConnectCall {
    return (r as unknown as { [CALL]: ConnectCall })[CALL];
  }

  /** Whether an interceptor answered with a response of its own (whose headers then replace the call's). */
  static isOwn(r: AnyResponse): boolean {
    return CALL in r;
  }

  /** The HandlerContext an implementation gets, for a request as the interceptors passed it on. */
  static context(method: DescMethod, r: AnyRequest): HandlerContext {
    const call = ConnectCall.of(r);
    return {
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
  }
}

/** The implementation behind the interceptors, the first outermost (as Connect applies them). */
export function withInterceptors(implementation: Parameters<Interceptor>[0], interceptors: readonly Interceptor[]): Parameters<Interceptor>[0] {
  return interceptors.reduceRight((next, interceptor) => interceptor(next), implementation);
}

export function replaceHeaders(to: Headers, from: Headers): void {
  if (from === to) return;
  for (const key of [...to.keys()]) to.delete(key);
  from.forEach((value, key) => to.set(key, value));
}
