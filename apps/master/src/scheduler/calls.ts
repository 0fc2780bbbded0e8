/**
 * The scheduler API's front door for every call but SUBSCRIBE, shared by the Connect service and
 * the v1 HTTP adapter. Checks follow Mesos's order: the call is well formed (the guard stage, before
 * this), the framework exists, it is subscribed, and the stream id is the one of its subscription.
 */
import { invalid, notFound, permissionDenied } from "@mesos/core";
import { scheduler } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { removeFramework } from "../frameworks/remove-framework.ts";
import { updateFramework } from "../frameworks/update-framework.ts";
import { reconcileTasks } from "../tasks/reconcile.ts";
import { acknowledgeOperationStatus } from "../operations/operation-feedback.ts";
import { reconcileOperations } from "../operations/reconcile-operations.ts";
import { shutdownExecutor } from "../executors/executor-calls.ts";
import { frameworkMessage } from "../executors/framework-messages.ts";
import { accept } from "./accept.ts";
import { acceptInverseOffers, declineInverseOffers } from "./inverse-offer-calls.ts";
import { acknowledge, decline, kill, revive, suppress } from "./simple-calls.ts";

const T = scheduler.Call_Type;

/** Returns a promise for the calls answered once something is committed (ACKNOWLEDGE: the registry). */
export function handleSchedulerCall(ctx: MasterContext, call: scheduler.Call, streamId: string | undefined): Promise<void> | undefined {
  if (call.type === T.SUBSCRIBE) throw invalid("SUBSCRIBE must be sent on the subscription endpoint");
  const framework = callingFramework(ctx, call.frameworkId!.value, streamId);
  framework.countCall(call.type);
  switch (call.type) {
    case T.TEARDOWN:
      removeFramework(ctx, framework, "the framework asked to be torn down (TEARDOWN)");
      return;
    case T.ACCEPT:
      accept(ctx, framework, call.accept!);
      return;
    case T.DECLINE:
      decline(ctx, framework, call.decline!);
      return;
    case T.REVIVE:
      revive(ctx, framework, call.revive);
      return;
    case T.SUPPRESS:
      suppress(ctx, framework, call.suppress);
      return;
    case T.KILL:
      kill(ctx, framework, call.kill!);
      return;
    case T.ACKNOWLEDGE: {
      const ack = call.acknowledge!;
      return acknowledge(ctx, framework, ack.agentId!.value, ack.taskId!.value, ack.uuid);
    }
    case T.RECONCILE:
      reconcileTasks(
        ctx,
        framework,
        call.reconcile!.tasks.map((t) => ({ taskId: t.taskId!.value, agentId: t.agentId?.value })),
      );
      return;
    case T.UPDATE_FRAMEWORK:
      updateFramework(ctx, framework, call.updateFramework!);
      return;
    case T.SHUTDOWN:
      shutdownExecutor(ctx, framework, call.shutdown!);
      return;
    case T.MESSAGE:
      frameworkMessage(ctx, framework, call.message!);
      return;
    case T.ACCEPT_INVERSE_OFFERS:
      acceptInverseOffers(ctx, framework, call.acceptInverseOffers!);
      return;
    case T.DECLINE_INVERSE_OFFERS:
      declineInverseOffers(ctx, framework, call.declineInverseOffers!);
      return;
    case T.REQUEST:
      // Ignored by the built-in allocator, as in Mesos.
      return;
    case T.ACKNOWLEDGE_OPERATION_STATUS:
      acknowledgeOperationStatus(ctx, framework, call.acknowledgeOperationStatus!);
      return;
    case T.RECONCILE_OPERATIONS:
      reconcileOperations(ctx, framework, call.reconcileOperations!);
      return;
  }
}

/** The framework a call comes from: it exists, it is subscribed, and the call carries its subscription's stream id. */
export function callingFramework(ctx: MasterContext, frameworkId: string, streamId: string | undefined): Framework {
  const framework = ctx.frameworks.get(frameworkId);
  if (!framework) throw notFound("Framework cannot be found");
  if (!framework.connected) throw permissionDenied("Framework is not subscribed");
  if (streamId === undefined) throw invalid("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
  if (streamId !== framework.subscription!.streamId) {
    throw invalid(
      `The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${frameworkId}`,
    );
  }
  return framework;
}
