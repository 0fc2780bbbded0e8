/**
 * A scheduler (framework) client for the master's Scheduler service: subscribe, then send calls
 * on behalf of the subscribed framework with its stream id. Errors are MesosErrors.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import { createAsyncIterable } from "@connectrpc/connect/protocol";
import { invalid } from "@mesos/core";
import { type FrameworkInfo, type FrameworkInfoSchema, type Offer_OperationSchema, scheduler, type TaskStatus } from "@mesos/proto";
import { createTransport, EncodedRequest, fromConnectError, toBaseUrl } from "@mesos/rpc";
import { acknowledgeCall } from "./acknowledge-call.ts";
import { reconcileCall } from "./reconcile-call.ts";
import { readUpdateEvent } from "./update-event-decoder.ts";

export const STREAM_ID_HEADER = "Mesos-Stream-Id";

/** UPDATE events (three a task) read by hand (update-event-decoder.ts); others by protobuf-es. */
const HAND_READ_EVENTS = new Map([[scheduler.EventSchema, readUpdateEvent]]);
const SUBSCRIBE = scheduler.Scheduler.method.subscribe;

export interface Subscription {
  frameworkId: string;
  streamId: string;
  /** Events after SUBSCRIBED, in order; ends when the master closes the stream or `close()` is called. */
  events: AsyncIterable<scheduler.Event>;
  /** Sends a call for this framework; `frameworkId` is filled in. */
  call(call: MessageInitShape<typeof scheduler.CallSchema>): Promise<void>;
  accept(offerIds: string[], operations: MessageInitShape<typeof Offer_OperationSchema>[], refuseSeconds?: number): Promise<void>;
  decline(offerIds: string[], refuseSeconds?: number): Promise<void>;
  acknowledge(status: TaskStatus): Promise<void>;
  kill(taskId: string, agentId?: string): Promise<void>;
  reconcile(tasks?: { taskId: string; agentId?: string }[]): Promise<void>;
  teardown(): Promise<void>;
  close(): void;
}

export interface SubscribeOptions {
  suppressedRoles?: string[];
  signal?: AbortSignal;
}

/** `master`: its address (`host:port` or a URL), or a transport (an in-memory one in tests). */
export async function subscribe(
  master: string | Transport,
  frameworkInfo: MessageInitShape<typeof FrameworkInfoSchema> | FrameworkInfo,
  options: SubscribeOptions = {},
): Promise<Subscription> {
  // A framework's calls are many and small (three acknowledgements a task): kept-alive connections of its own.
  const transport =
    typeof master === "string" ? createTransport({ baseUrl: toBaseUrl(master), keepAlive: true, decoders: HAND_READ_EVENTS }) : master;
  const client = createClient(scheduler.Scheduler, transport);
  const abort = new AbortController();
  options.signal?.addEventListener("abort", () => abort.abort(), { once: true });
  const subscribeCall = {
    type: scheduler.Call_Type.SUBSCRIBE,
    frameworkId: (frameworkInfo as FrameworkInfo).id,
    subscribe: { frameworkInfo, suppressedRoles: options.suppressedRoles ?? [] },
  };
  let streamId = "";
  let stream: AsyncIterator<scheduler.Event>;
  let first: IteratorResult<scheduler.Event>;
  try {
    // The transport's stream is read directly rather than through connect's client, whose
    // generators cost a framework several promises an event (a hundred thousand after a failover).
    const response = await transport.stream(SUBSCRIBE, abort.signal, undefined, undefined, createAsyncIterable([subscribeCall]), undefined);
    streamId = response.header.get(STREAM_ID_HEADER) ?? "";
    stream = response.message[Symbol.asyncIterator]();
    first = await stream.next();
  } catch (e) {
    throw fromConnectError(e);
  }
  if (first.done) throw invalid("The master closed the subscription before SUBSCRIBED");
  if (first.value.type === scheduler.Event_Type.ERROR) throw invalid(first.value.error?.message ?? "subscription refused");
  const frameworkId = first.value.subscribed!.frameworkId!.value;

  const send = async (call: MessageInitShape<typeof scheduler.CallSchema>) => {
    try {
      await client.call({ ...call, frameworkId: { value: frameworkId } } as never, { headers: { [STREAM_ID_HEADER]: streamId } });
    } catch (e) {
      throw fromConnectError(e);
    }
  };
  // Our own transport sends a call written by hand as it is (a transport given to us gets messages).
  const ownTransport = typeof master === "string";
  const encodedFrameworkId = new TextEncoder().encode(frameworkId);
  const streamHeaders = { [STREAM_ID_HEADER]: streamId };
  const sendEncoded = async (bytes: Uint8Array) => {
    try {
      await client.call(new EncodedRequest(bytes) as never, { headers: streamHeaders });
    } catch (e) {
      throw fromConnectError(e);
    }
  };
  const T = scheduler.Call_Type;
  // Once the stream has ended or failed, the events end.
  let ended = false;
  return {
    frameworkId,
    streamId,
    events: {
      [Symbol.asyncIterator]: () => ({
        async next(): Promise<IteratorResult<scheduler.Event>> {
          if (ended) return { done: true, value: undefined };
          try {
            const next = await stream.next();
            if (next.done) ended = true;
            return next;
          } catch (e) {
            ended = true;
            if (abort.signal.aborted) return { done: true, value: undefined };
            throw fromConnectError(e);
          }
        },
      }),
    },
    call: send,
    accept: (offerIds, operations, refuseSeconds) =>
      send({
        type: T.ACCEPT,
        accept: {
          offerIds: offerIds.map((value) => ({ value })),
          operations,
          filters: refuseSeconds === undefined ? undefined : { refuseSeconds },
        },
      }),
    decline: (offerIds, refuseSeconds) =>
      send({
        type: T.DECLINE,
        decline: { offerIds: offerIds.map((value) => ({ value })), filters: refuseSeconds === undefined ? undefined : { refuseSeconds } },
      }),
    acknowledge: (status) =>
      ownTransport && status.agentId && status.taskId
        ? sendEncoded(acknowledgeCall(encodedFrameworkId, status.agentId.value, status.taskId.value, status.uuid))
        : send({ type: T.ACKNOWLEDGE, acknowledge: { agentId: status.agentId, taskId: status.taskId, uuid: status.uuid } }),
    kill: (taskId, agentId) => send({ type: T.KILL, kill: { taskId: { value: taskId }, agentId: agentId ? { value: agentId } : undefined } }),
    reconcile: (tasks = []) =>
      ownTransport
        ? sendEncoded(reconcileCall(encodedFrameworkId, tasks))
        : send({
            type: T.RECONCILE,
            reconcile: { tasks: tasks.map((t) => ({ taskId: { value: t.taskId }, agentId: t.agentId ? { value: t.agentId } : undefined })) },
          }),
    teardown: () => send({ type: T.TEARDOWN }),
    close: () => abort.abort(),
  };
}

/** Whether a status needs an acknowledgement (it has a uuid; master-generated ones do not). */
export function needsAcknowledgement(status: TaskStatus): boolean {
  return status.uuid.length > 0;
}
