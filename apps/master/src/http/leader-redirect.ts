/**
 * The v1 API is served by the leading master only: elsewhere a request is redirected (307) to the
 * same path on the leader, with a protocol-relative Location as Mesos writes it
 * (`//host:port/api/v1/scheduler`), or refused with 503 when no leader is known.
 */
import { textResponse } from "@mesos/rpc";
import type { MasterInfo } from "@mesos/proto";
import type { MasterContext } from "../context.ts";

function leaderBase(leader: MasterInfo): string {
  const host = leader.hostname || leader.address?.hostname || leader.address?.ip;
  return `//${host}:${leader.port}`;
}

/** An answer for a request this master must not serve, or undefined if it leads. */
export function unlessLeading(ctx: MasterContext, req: Request): Response | undefined {
  const leader = ctx.leader();
  if (!leader) return textResponse(503, "No leader elected");
  if (leader.id === ctx.info.id) return undefined;
  const url = new URL(req.url);
  return new Response(null, { status: 307, headers: { Location: `${leaderBase(leader)}${url.pathname}${url.search}` } });
}

/** `/redirect` and `/master/redirect`: the leader's base URL (this master's own when it leads). */
export function redirectToLeader(ctx: MasterContext): Response {
  const leader = ctx.leader();
  if (!leader) return textResponse(503, "No leader elected");
  return new Response(null, { status: 307, headers: { Location: leaderBase(leader) } });
}
