/**
 * SUBSCRIBE: a new framework gets an id; a known one (same id) fails over to the new connection,
 * closing the old stream. The reply is an event stream that starts with SUBSCRIBED and a HEARTBEAT
 * and carries a HEARTBEAT every 15 s. When the stream closes the framework is disconnected and,
 * after its failover_timeout, torn down. As in Mesos, a malformed call is refused (400), while a
 * subscription the master refuses (invalid roles, a removed framework, ...) gets its stream with
 * one ERROR event, then the stream closes.
 */
import { clone, create } from "@bufbuild/protobuf";
import { Channel, invalid, newUuid } from "@mesos/core";
import { FrameworkIDSchema, FrameworkInfoSchema, scheduler } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { Framework, rolesOf, type Subscription } from "./framework.ts";
import { removeFramework } from "./remove-framework.ts";
import { requiredFrameworkFields, validateFailoverTimeout, validateFrameworkInfo } from "./validate-framework-info.ts";

const HEARTBEAT_INTERVAL_SECONDS = 15;

export interface SubscribeResult {
  streamId: string;
  events: Channel<scheduler.Event>;
  /** Undefined when the master refused the subscription (the stream holds the ERROR event). */
  framework?: Framework;
}

/** SUBSCRIBE, once the scheduler's guard stage has passed the call. */
export function subscribe(ctx: MasterContext, call: scheduler.Call): SubscribeResult {
  if (call.type !== scheduler.Call_Type.SUBSCRIBE) throw invalid("Expecting a SUBSCRIBE call");
  const sub = call.subscribe;
  if (!sub?.frameworkInfo) throw invalid("Expecting 'subscribe' to be present");
  const info = sub.frameworkInfo;
  const missing = requiredFrameworkFields(info);
  if (missing) throw invalid(missing);
  const claimedId = info.id?.value || undefined;
  const refusal = refusalOf(ctx, sub, claimedId);
  if (refusal) {
    ctx.log.info(`Refusing subscription of framework '${info.name}': ${refusal}`);
    const events = new Channel<scheduler.Event>();
    events.push(create(scheduler.EventSchema, { type: scheduler.Event_Type.ERROR, error: { message: refusal } }));
    events.close();
    return { streamId: newUuid(), events };
  }

  const now = ctx.clock.now();
  let framework = claimedId ? ctx.frameworks.get(claimedId) : undefined;
  const added = framework === undefined;
  const id = claimedId ?? ctx.newFrameworkId();
  const infoWithId = clone(FrameworkInfoSchema, info);
  infoWithId.id = create(FrameworkIDSchema, { value: id });

  if (framework) {
    framework.closeSubscription("Framework failed over");
    framework.info = infoWithId;
    framework.reregisteredAt = now;
    framework.failoverTimer?.cancel();
    framework.failoverTimer = undefined;
    framework.recovered = false;
    // The new connection knows nothing of inverse offers made to the old one (Mesos's failoverFramework).
    ctx.inverseOffers.rescindFramework(id, false);
    ctx.frameworks.update(framework, sub.suppressedRoles);
    ctx.log.info(`Framework ${id} (${info.name}) re-subscribed`);
  } else {
    framework = new Framework(id, infoWithId, now);
    ctx.frameworks.add(framework, sub.suppressedRoles);
    ctx.operations.adoptFramework(
      id,
      [...ctx.agents.values()].map((a) => a.id),
    );
    ctx.log.info(`Framework ${id} (${info.name}) subscribed${claimedId ? " (after master failover)" : ""}`);
  }

  const subscription: Subscription = { streamId: newUuid(), events: new Channel<scheduler.Event>() };
  framework.subscription = subscription;
  framework.send(
    create(scheduler.EventSchema, {
      type: scheduler.Event_Type.SUBSCRIBED,
      subscribed: { frameworkId: { value: id }, heartbeatIntervalSeconds: HEARTBEAT_INTERVAL_SECONDS, masterInfo: ctx.info },
    }),
  );
  framework.send(heartbeat());
  scheduleHeartbeat(ctx, subscription);
  ctx.frameworks.activate(framework, added);
  ctx.triggerAllocation();
  return { streamId: subscription.streamId, events: subscription.events, framework };
}

/** Master::subscribe's checks after validation::framework, in its order. */
function refusalOf(ctx: MasterContext, sub: scheduler.Call_Subscribe, claimedId: string | undefined): string | undefined {
  const info = sub.frameworkInfo!;
  const error = validateFrameworkInfo(info);
  if (error) return error;
  const roles = new Set(rolesOf(info));
  const outside = sub.suppressedRoles.find((role) => !roles.has(role));
  if (outside !== undefined) return `Suppressed role '${outside}' is not contained in the list of roles`;
  if (claimedId && ctx.frameworks.isCompleted(claimedId)) return "Framework has been removed";
  return validateFailoverTimeout(info);
}

const heartbeat = () => create(scheduler.EventSchema, { type: scheduler.Event_Type.HEARTBEAT });

function scheduleHeartbeat(ctx: MasterContext, subscription: Subscription): void {
  subscription.heartbeat = ctx.clock.setTimeout(() => {
    if (subscription.events.closed) return;
    subscription.events.push(heartbeat());
    scheduleHeartbeat(ctx, subscription);
  }, HEARTBEAT_INTERVAL_SECONDS * 1000);
}

/**
 * The framework's stream ended (client went away). Only acts if `streamId` is still the current
 * subscription, so a stream replaced by a failover does not disconnect the new one.
 */
export function onSubscriptionClosed(ctx: MasterContext, frameworkId: string, streamId: string): void {
  const framework = ctx.frameworks.get(frameworkId);
  if (!framework || framework.subscription?.streamId !== streamId) return;
  framework.closeSubscription();
  ctx.frameworks.deactivate(framework);
  ctx.offers.rescindFramework(frameworkId);
  ctx.inverseOffers.rescindFramework(frameworkId);
  const timeoutMs = framework.info.failoverTimeout * 1000;
  ctx.log.info(`Framework ${frameworkId} disconnected; tearing it down in ${framework.info.failoverTimeout} s unless it re-subscribes`);
  framework.failoverTimer = ctx.clock.setTimeout(() => {
    if (!framework.connected && ctx.frameworks.get(frameworkId) === framework) {
      removeFramework(ctx, framework, "failover timeout elapsed");
    }
  }, timeoutMs);
}
