/**
 * Agent health: the master pings every agent each --agent_ping_timeout over its link; after
 * --max_agent_ping_timeouts unanswered pings in a row (or as long without a link) the agent is
 * marked unreachable.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { errorMessage } from "@mesos/core";
import { internal } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { Agent } from "./agent.ts";
import { markAgentUnreachable } from "./remove-agent.ts";

/** Every ping is the same frame: encoded once (building the message for each of 10,000 agents was most of a ping's cost). */
const PING_FRAME = toBinary(internal.MasterMessageSchema, create(internal.MasterMessageSchema, { message: { case: "ping", value: {} } }));

export function startPinging(ctx: MasterContext, agent: Agent): void {
  agent.pingTimer?.cancel();
  agent.missedPings = 0;
  agent.awaitingPong = false;
  const tick = () => {
    if (ctx.agents.get(agent.id) !== agent) return;
    if (agent.awaitingPong) agent.missedPings++;
    if (agent.missedPings >= ctx.flags.max_agent_ping_timeouts) {
      markAgentUnreachable(ctx, agent, `health check timed out after ${agent.missedPings} missed pings`).catch((e) =>
        ctx.log.error(`Failed to mark agent ${agent.id} unreachable: ${errorMessage(e)}`),
      );
      return;
    }
    agent.send(PING_FRAME);
    agent.awaitingPong = true;
    agent.pingTimer = ctx.clock.setTimeout(tick, ctx.flags.agent_ping_timeout);
  };
  agent.pingTimer = ctx.clock.setTimeout(tick, ctx.flags.agent_ping_timeout);
}

export function onPong(agent: Agent): void {
  agent.missedPings = 0;
  agent.awaitingPong = false;
}
