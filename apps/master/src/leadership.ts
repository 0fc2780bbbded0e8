/**
 * Only the leading master serves the APIs. The guard stage (guards.ts) refuses every call elsewhere:
 * the v1 HTTP API redirects (307) to the same path on the leader, with a protocol-relative Location
 * as Mesos writes it (`//host:port/api/v1/scheduler`), or answers 503 when no leader is known;
 * Connect calls fail UNAVAILABLE, naming the leader.
 */
import type { MasterInfo } from "@mesos/proto";
import { type Refusal, textResponse } from "@mesos/rpc";
import type { MiddlewareHandler } from "hono";
import type { MasterContext } from "./context.ts";

const NO_LEADER = "No leader elected";

function leaderBase(leader: MasterInfo): string {
  const host = leader.hostname || leader.address?.hostname || leader.address?.ip;
  return `//${host}:${leader.port}`;
}

/** Undefined while this master leads; otherwise where the leader is, if one is known. */
export function admitLeading(ctx: MasterContext): Refusal | undefined {
  const leader = ctx.leader();
  if (!leader) return { unavailable: NO_LEADER };
  if (leader.id === ctx.info.id) return undefined;
  return { redirectTo: leaderBase(leader) };
}

/**
 * The v0 endpoints a Mesos master serves only while it leads (state, listings, reservations,
 * volumes, quota, weights, teardown): elsewhere 307 to the same path and query on the leader, or
 * 503 without one, before the method or the body is looked at (Master::Http::redirect).
 */
export function leadingOnly(ctx: MasterContext): MiddlewareHandler {
  return async (c, next) => {
    const refusal = admitLeading(ctx);
    if (!refusal) return next();
    if ("unavailable" in refusal) return textResponse(503, refusal.unavailable);
    const url = new URL(c.req.url);
    return new Response(null, { status: 307, headers: { Location: `${refusal.redirectTo}${url.pathname}${url.search}` } });
  };
}

/** `/redirect` and `/master/redirect`: the leader's base URL (this master's own when it leads). */
export function redirectToLeader(ctx: MasterContext): Response {
  const leader = ctx.leader();
  if (!leader) return textResponse(503, NO_LEADER);
  return new Response(null, { status: 307, headers: { Location: leaderBase(leader) } });
}
