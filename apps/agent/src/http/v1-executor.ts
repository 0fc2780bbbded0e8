/**
 * `POST /api/v1/executor` on the agent, Mesos 1.8's v1 executor HTTP API (slave/http.cpp's
 * Http::executor) for custom executors: the shared v1 endpoint (405, 400/415, body, validation
 * "Failed to validate Executor::Call: ..." with common/validation.cpp's checks, 406 for SUBSCRIBE),
 * then HEARTBEAT 202; an unknown framework or executor 400; any call but SUBSCRIBE from an executor
 * that has not subscribed 403. SUBSCRIBE answers 200 with a RecordIO stream of events (SUBSCRIBED
 * first); UPDATE and MESSAGE answer 202.
 */
import { invalid, uuidFromBytes } from "@mesos/core";
import { create } from "@bufbuild/protobuf";
import { executor, internal, TaskState, TaskStatus_Source } from "@mesos/proto";
import { type CallGuard, emptyResponse, encodeMessage, MEDIA_TYPE_OF, streamResponse, textResponse, v1Endpoint } from "@mesos/rpc";
import type { AgentContext } from "../context.ts";

const T = executor.Call_Type;

/** common::validation::validateExecutorCall, after 'type' (which the guard stage checks). */
function validateExecutorCall(call: executor.Call): void {
  if (!call.executorId) throw invalid("Expecting 'executor_id' to be present");
  if (!call.frameworkId) throw invalid("Expecting 'framework_id' to be present");
  if (call.type === T.SUBSCRIBE && !call.subscribe) throw invalid("Expecting 'subscribe' to be present");
  if (call.type === T.MESSAGE && !call.message) throw invalid("Expecting 'message' to be present");
  if (call.type !== T.UPDATE) return;
  if (!call.update) throw invalid("Expecting 'update' to be present");
  const status = call.update.status!;
  const where = `executor ${call.executorId.value} of framework ${call.frameworkId.value}`;
  if (status.uuid.length === 0) throw invalid("Expecting 'uuid' to be present");
  if (status.uuid.length !== 16) throw invalid(`Not a valid UUID: expected 16 bytes, got ${status.uuid.length}`);
  if (status.executorId && status.executorId.value !== call.executorId.value) {
    throw invalid(`ExecutorID in Call: ${call.executorId.value} does not match ExecutorID in TaskStatus: ${status.executorId.value}`);
  }
  if (status.source !== TaskStatus_Source.EXECUTOR) {
    throw invalid(`Received Call from ${where} with invalid source, expecting 'SOURCE_EXECUTOR'`);
  }
  if (status.state === TaskState.TASK_STAGING) throw invalid(`Received TASK_STAGING from ${where} which is not allowed`);
  uuidFromBytes(status.uuid);
}

const executorGuard: CallGuard<typeof executor.CallSchema> & { callSchema: typeof executor.CallSchema } = {
  service: "mesos.v1.executor.Executor",
  callSchema: executor.CallSchema,
  callName: "Executor::Call",
  validate: validateExecutorCall,
};

export function executorApi(ctx: AgentContext): (req: Request) => Promise<Response> {
  return v1Endpoint({
    guard: executorGuard,
    answers: (call) => call.type === T.SUBSCRIBE,
    dispatch({ call, media, request, abort }) {
      if (call.type === T.HEARTBEAT) return emptyResponse(202);
      const frameworkId = call.frameworkId!.value;
      if (!ctx.frameworks.has(frameworkId)) return textResponse(400, "Framework cannot be found");
      const e = ctx.customExecutors.get(frameworkId, call.executorId!.value);
      if (!e) return textResponse(400, "Executor cannot be found");
      if (!e.events && call.type !== T.SUBSCRIBE) return textResponse(403, "Executor is not subscribed");
      switch (call.type) {
        case T.SUBSCRIBE: {
          const events = ctx.customExecutors.subscribe(e, call.subscribe!);
          abort.signal.addEventListener("abort", () => ctx.customExecutors.unsubscribed(e, events), { once: true });
          const format = media!.format;
          return streamResponse(events, {
            abort,
            request,
            encode: (event) => encodeMessage(executor.EventSchema, event, format),
            headers: () => ({ "Content-Type": MEDIA_TYPE_OF[format] }),
          });
        }
        case T.UPDATE:
          ctx.customExecutors.update(e, call.update!.status!);
          return emptyResponse(202);
        case T.MESSAGE: {
          const sent = ctx.sendToMaster({
            case: "executorToFramework",
            value: create(internal.ExecutorToFrameworkSchema, {
              frameworkId: call.frameworkId,
              executorId: call.executorId,
              data: call.message!.data,
            }),
          });
          // As Mesos's agent: dropped while it is not registered (recovering, or the master away).
          if (!sent)
            ctx.log.warn(`Dropping framework message from executor '${e.executorId}' to framework ${frameworkId}: not registered with a master`);
          ctx.metrics.increment(sent ? "slave/valid_framework_messages" : "slave/invalid_framework_messages");
          return emptyResponse(202);
        }
        default:
          return textResponse(501, `${T[call.type]} is not supported`);
      }
    },
  });
}
