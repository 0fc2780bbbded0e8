/**
 * The guard stage as a Connect interceptor: every request to a guarded service is admitted first
 * (UNAVAILABLE, naming the leader, on a master that does not lead), and its call is checked before
 * the handler sees it; a streamed request's first call is checked when the handler reads it.
 */
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { type CallGuard, checkCall, type Refusal } from "./call-guard.ts";

export function refusalError(refusal: Refusal): ConnectError {
  if ("unavailable" in refusal) return new ConnectError(refusal.unavailable, Code.Unavailable);
  return new ConnectError(`Not the leading master; the leader is at ${refusal.redirectTo}`, Code.Unavailable, { Location: refusal.redirectTo });
}

async function* checkingFirst<T>(guard: CallGuard, calls: AsyncIterable<T>): AsyncIterable<T> {
  let first = true;
  for await (const call of calls) {
    if (first) checkCall(guard, call as never);
    first = false;
    yield call;
  }
}

export function guardInterceptor(guards: readonly CallGuard[]): Interceptor {
  const byService = new Map(guards.map((g) => [g.service, g]));
  return (next) => async (req) => {
    const guard = byService.get(req.service.typeName);
    if (!guard) return next(req);
    const refusal = guard.admit?.();
    if (refusal) throw refusalError(refusal);
    if (req.method.input.typeName !== guard.callSchema?.typeName) return next(req);
    if (!req.stream) {
      checkCall(guard, req.message as never);
      return next(req);
    }
    return next({ ...req, message: checkingFirst(guard, req.message) });
  };
}
