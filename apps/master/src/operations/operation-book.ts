/**
 * The OperationBook: offer operations applied to agents and not yet forgotten (by agent and
 * operation uuid), and, for frameworks that asked for feedback, which operation each of their
 * operation ids names now (the latest one wins when a framework reuses an id). The only code that
 * adds, updates or forgets operations.
 */
import { Resources, uuidFromBytes } from "@mesos/core";
import { type Operation, OperationState, type OperationStatus } from "@mesos/proto";

/** Where a framework's operation lives: its agent and its uuid there. */
export interface OperationRef {
  agentId: string;
  uuid: string;
}

const uuidOf = (operation: Operation) => uuidFromBytes(operation.uuid!.value);

export class OperationBook {
  private readonly operationsByAgent = new Map<string, Map<string, Operation>>();
  private readonly operationsByFramework = new Map<string, Map<string, OperationRef>>();

  /** `live(frameworkId)`: whether the framework is known (operations of others are not indexed for feedback). */
  constructor(private readonly live: (frameworkId: string) => boolean) {}

  get(agentId: string, uuid: string): Operation | undefined {
    return this.operationsByAgent.get(agentId)?.get(uuid);
  }

  onAgent(agentId: string): Operation[] {
    return [...(this.operationsByAgent.get(agentId)?.values() ?? [])];
  }

  /**
   * What pending operations hold on the agent, per framework: CREATE_DISK and DESTROY_DISK keep
   * their resources allocated until they end (a re-registering agent's allocation counts them).
   */
  pendingUseOn(agentId: string, consumedBy: (operation: Operation) => Resources): Map<string, Resources> {
    const use = new Map<string, Resources>();
    for (const operation of this.onAgent(agentId)) {
      const frameworkId = operation.frameworkId?.value;
      const state = operation.latestStatus?.state ?? OperationState.OPERATION_PENDING;
      if (!frameworkId || state !== OperationState.OPERATION_PENDING) continue;
      const consumed = consumedBy(operation);
      if (!consumed.isEmpty()) use.set(frameworkId, (use.get(frameworkId) ?? Resources.EMPTY).plus(consumed));
    }
    return use;
  }

  /** A framework's operations by its operation id. */
  ofFramework(frameworkId: string): ReadonlyMap<string, OperationRef> {
    return this.operationsByFramework.get(frameworkId) ?? new Map();
  }

  /** The operation a framework's operation id names, if it is still known. */
  find(frameworkId: string, operationId: string, agentId?: string): Operation | undefined {
    const ref = this.operationsByFramework.get(frameworkId)?.get(operationId);
    if (!ref || (agentId && ref.agentId !== agentId)) return undefined;
    return this.get(ref.agentId, ref.uuid);
  }

  /** An operation was sent to its agent (pending). */
  track(agentId: string, operation: Operation): void {
    agentOps(this.operationsByAgent, agentId).set(uuidOf(operation), operation);
    this.index(agentId, operation);
  }

  /** The agent reported a status: it becomes the latest (or `latest`, the agent's newest). */
  update(operation: Operation, status: OperationStatus, latest: OperationStatus | undefined): void {
    operation.latestStatus = latest ?? status;
    operation.statuses.push(status);
  }

  /** A terminal status was acknowledged: the operation is forgotten. */
  forget(agentId: string, operation: Operation): void {
    const uuid = uuidOf(operation);
    this.operationsByAgent.get(agentId)?.delete(uuid);
    const id = operation.info?.id?.value;
    const frameworkId = operation.frameworkId?.value;
    const ops = frameworkId ? this.operationsByFramework.get(frameworkId) : undefined;
    if (id && ops?.get(id)?.uuid === uuid) ops.delete(id);
  }

  /**
   * A re-registering agent's operations replace what the master believed: the reported ones are
   * (re-)indexed for their frameworks; believed ones it does not report are returned (dropped),
   * after their framework's index forgets them.
   */
  replaceOnAgent(agentId: string, reported: readonly Operation[]): Operation[] {
    const believed = this.onAgent(agentId);
    const ops = new Map<string, Operation>();
    this.operationsByAgent.set(agentId, ops);
    for (const operation of reported) {
      ops.set(uuidOf(operation), operation);
      this.index(agentId, operation);
    }
    const dropped = believed.filter((op) => !ops.has(uuidOf(op)));
    for (const op of dropped) {
      const id = op.info?.id?.value;
      if (id && op.frameworkId) this.operationsByFramework.get(op.frameworkId.value)?.delete(id);
    }
    return dropped;
  }

  /** A framework the master did not know picks up the operations its agents reported for it. */
  adoptFramework(frameworkId: string, agentIds: Iterable<string>): void {
    for (const agentId of agentIds) {
      for (const operation of this.operationsByAgent.get(agentId)?.values() ?? []) {
        if (operation.frameworkId?.value === frameworkId) this.index(agentId, operation);
      }
    }
  }

  /** The agent is gone (unreachable or removed): its operations with it. */
  forgetAgent(agentId: string): void {
    this.operationsByAgent.delete(agentId);
  }

  forgetFramework(frameworkId: string): void {
    this.operationsByFramework.delete(frameworkId);
  }

  private index(agentId: string, operation: Operation): void {
    const frameworkId = operation.frameworkId?.value;
    const id = operation.info?.id?.value;
    if (!frameworkId || !id || !this.live(frameworkId)) return;
    let ops = this.operationsByFramework.get(frameworkId);
    if (!ops) this.operationsByFramework.set(frameworkId, (ops = new Map()));
    ops.set(id, { agentId, uuid: uuidOf(operation) });
  }
}

function agentOps(map: Map<string, Map<string, Operation>>, agentId: string): Map<string, Operation> {
  let ops = map.get(agentId);
  if (!ops) map.set(agentId, (ops = new Map()));
  return ops;
}
