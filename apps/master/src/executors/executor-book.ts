/**
 * The ExecutorBook: the executors frameworks launched (a task group's default executor), per agent,
 * from LAUNCH_GROUP until the agent reports the executor exited or the agent goes away — Mesos's
 * `Slave::executors`. An executor's resources are the framework's on that agent for as long as it
 * runs: they go back to the allocator when it is removed. Offers list a framework's executors on
 * the agent (`executor_ids`); GET_EXECUTORS, GET_STATE and /state list them all.
 */
import { Resources } from "@mesos/core";
import type { ExecutorInfo } from "@mesos/proto";
import type { Allocator } from "../allocator/allocator.ts";

export interface ExecutorRecord {
  frameworkId: string;
  agentId: string;
  info: ExecutorInfo;
}

export interface ExecutorBookDeps {
  allocator: Pick<Allocator, "recoverResources">;
  triggerAllocation(agentId?: string): void;
}

const key = (frameworkId: string, executorId: string) => `${frameworkId}/${executorId}`;

export class ExecutorBook {
  /** agent id -> framework/executor key -> record. */
  private readonly byAgent = new Map<string, Map<string, ExecutorRecord>>();

  constructor(private readonly deps: ExecutorBookDeps) {}

  add(record: ExecutorRecord): void {
    let executors = this.byAgent.get(record.agentId);
    if (!executors) this.byAgent.set(record.agentId, (executors = new Map()));
    executors.set(key(record.frameworkId, record.info.executorId!.value), record);
  }

  get(agentId: string, frameworkId: string, executorId: string): ExecutorRecord | undefined {
    return this.byAgent.get(agentId)?.get(key(frameworkId, executorId));
  }

  /** The executor exited: removed, and its resources go back to the allocator. */
  remove(agentId: string, frameworkId: string, executorId: string): ExecutorRecord | undefined {
    const executors = this.byAgent.get(agentId);
    const record = executors?.get(key(frameworkId, executorId));
    if (!record) return undefined;
    executors!.delete(key(frameworkId, executorId));
    if (executors!.size === 0) this.byAgent.delete(agentId);
    const resources = Resources.of(record.info.resources);
    if (!resources.isEmpty()) {
      this.deps.allocator.recoverResources(frameworkId, agentId, resources, 0);
      this.deps.triggerAllocation(agentId);
    }
    return record;
  }

  onAgent(agentId: string): ExecutorRecord[] {
    const executors = this.byAgent.get(agentId);
    return executors ? [...executors.values()] : [];
  }

  ofFramework(frameworkId: string, agentId?: string): ExecutorRecord[] {
    const agents = agentId === undefined ? [...this.byAgent.values()] : [this.byAgent.get(agentId) ?? new Map()];
    return agents.flatMap((executors) => [...executors.values()].filter((e) => e.frameworkId === frameworkId));
  }

  all(): ExecutorRecord[] {
    return [...this.byAgent.values()].flatMap((executors) => [...executors.values()]);
  }

  /** What executors use on an agent, per framework (the allocator's view when the agent re-registers). */
  usedOn(agentId: string): Map<string, Resources> {
    const out = new Map<string, Resources>();
    for (const e of this.onAgent(agentId)) out.set(e.frameworkId, (out.get(e.frameworkId) ?? Resources.EMPTY).plus(e.info.resources));
    return out;
  }

  /** The agent is gone (its resources leave the allocator with it) or re-registers (its report replaces ours). */
  forgetAgent(agentId: string): ExecutorRecord[] {
    const records = this.onAgent(agentId);
    this.byAgent.delete(agentId);
    return records;
  }

  /** The framework is removed: its executors are shut down with it, and their resources go back. */
  forgetFramework(frameworkId: string): void {
    for (const e of this.ofFramework(frameworkId)) this.remove(e.agentId, frameworkId, e.info.executorId!.value);
  }
}
