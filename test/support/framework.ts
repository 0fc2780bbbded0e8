/**
 * A scripted framework for tests: subscribes through @mesos/client and records every event, with
 * helpers to wait for the next offer or a given task state.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import { subscribe, type Subscription } from "@mesos/client";
import {
  type CommandInfoSchema,
  type ContainerInfoSchema,
  type FrameworkInfoSchema,
  type Offer,
  Offer_Operation_Type,
  type OperationStatus,
  scheduler,
  TaskState,
  type TaskStatus,
  Value_Type,
} from "@mesos/proto";
import { eventually } from "./cluster.ts";

export interface TestFramework {
  sub: Subscription;
  events: scheduler.Event[];
  offers: Offer[];
  statuses: TaskStatus[];
  /** Offers received since the last call that have not been rescinded (waits for at least one). */
  nextOffers(timeoutMs?: number): Promise<Offer[]>;
  /**
   * Launches one command task (cpus 0.1, mem 32 unless given) on the next offer and returns that
   * offer; the rest of the offer is declined with `refuseSeconds` (default: the master's).
   */
  launch(taskId: string, command: string, options?: LaunchOptions): Promise<Offer>;
  /** UPDATE_OPERATION_STATUS events' statuses, in order (acknowledged automatically if they have a uuid). */
  operationStatuses: OperationStatus[];
  waitForStatus(taskId: string, state: TaskState, timeoutMs?: number): Promise<TaskStatus>;
  close(): void;
}

export interface LaunchOptions {
  cpus?: number;
  mem?: number;
  /** MB of plain disk (none unless given). */
  disk?: number;
  user?: string;
  container?: MessageInitShape<typeof ContainerInfoSchema>;
  /** The whole CommandInfo (e.g. `shell: false` without a value, for an image's Entrypoint); `command` is then ignored. */
  commandInfo?: MessageInitShape<typeof CommandInfoSchema>;
  refuseSeconds?: number;
}

export type TestFrameworkInfo = Omit<MessageInitShape<typeof FrameworkInfoSchema>, "user" | "name" | "$typeName"> & {
  user?: string;
  name?: string;
};

export interface TestFrameworkOptions {
  autoAcknowledge?: boolean;
  autoAcknowledgeOperations?: boolean;
}

/** `master`: its URL, or a transport (a master built in memory). */
export async function startTestFramework(
  master: string | Transport,
  info: TestFrameworkInfo = {},
  options: TestFrameworkOptions = {},
): Promise<TestFramework> {
  const sub = await subscribe(master, { user: "root", name: "test-framework", ...info });
  const events: scheduler.Event[] = [];
  const offers: Offer[] = [];
  const statuses: TaskStatus[] = [];
  const operationStatuses: OperationStatus[] = [];
  const rescinded = new Set<string>();
  let consumed = 0;
  void (async () => {
    try {
      for await (const event of sub.events) {
        events.push(event);
        if (event.type === scheduler.Event_Type.OFFERS) offers.push(...event.offers!.offers);
        if (event.type === scheduler.Event_Type.RESCIND) rescinded.add(event.rescind!.offerId!.value);
        if (event.type === scheduler.Event_Type.UPDATE) {
          const status = event.update!.status!;
          statuses.push(status);
          if (options.autoAcknowledge !== false && status.uuid.length > 0) await sub.acknowledge(status).catch(() => {});
        }
        if (event.type === scheduler.Event_Type.UPDATE_OPERATION_STATUS) {
          const status = event.updateOperationStatus!.status!;
          operationStatuses.push(status);
          if (options.autoAcknowledgeOperations !== false && status.uuid) {
            await sub
              .call({
                type: scheduler.Call_Type.ACKNOWLEDGE_OPERATION_STATUS,
                acknowledgeOperationStatus: { agentId: status.agentId, operationId: status.operationId, uuid: status.uuid.value },
              })
              .catch(() => {});
          }
        }
      }
    } catch {}
  })();
  const nextOffers = async (timeoutMs = 10_000): Promise<Offer[]> => {
    for (;;) {
      await eventually(() => offers.length > consumed, timeoutMs, "an offer");
      const fresh = offers.slice(consumed).filter((o) => !rescinded.has(o.id!.value));
      consumed = offers.length;
      if (fresh.length > 0) return fresh;
    }
  };
  return {
    sub,
    events,
    offers,
    statuses,
    operationStatuses,
    nextOffers,
    async waitForStatus(taskId, state, timeoutMs = 15_000) {
      return (await eventually(
        () => statuses.find((s) => s.taskId?.value === taskId && s.state === state),
        timeoutMs,
        `task ${taskId} to reach ${TaskState[state]} (seen: ${statuses
          .filter((s) => s.taskId?.value === taskId)
          .map((s) => TaskState[s.state])
          .join(", ")})`,
      ))!;
    },
    async launch(taskId, command, options = {}) {
      const [offer] = await nextOffers();
      const resources = [
        { name: "cpus", type: Value_Type.SCALAR, scalar: { value: options.cpus ?? 0.1 } },
        { name: "mem", type: Value_Type.SCALAR, scalar: { value: options.mem ?? 32 } },
        ...(options.disk ? [{ name: "disk", type: Value_Type.SCALAR, scalar: { value: options.disk } }] : []),
      ];
      const task = {
        name: taskId,
        taskId: { value: taskId },
        agentId: offer!.agentId,
        command: options.commandInfo ?? { value: command, user: options.user },
        container: options.container,
        resources,
      };
      await sub.accept([offer!.id!.value], [{ type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: [task] } }], options.refuseSeconds);
      return offer!;
    },
    close: () => sub.close(),
  };
}
