/**
 * The registry as the master's owners see it, whatever database holds it: what must survive a
 * master restart (admitted agents and which are unreachable or gone, quota, weights, maintenance), read once at
 * start-up and written as it changes. Writes resolve once committed, so a caller that awaits one
 * before answering never acknowledges what a crash could lose. Only the owners write it
 * (agents/agent-registry.ts, quota/role-settings.ts, maintenance/maintenance-book.ts,
 * tasks/acknowledged-updates.ts). sqlite-registry.ts is the embedded store; a
 * PostgreSQL store (several masters, one registry) implements the same interface.
 */
import type { AgentInfo, MachineInfo, maintenance } from "@mesos/proto";

export type AgentRegistryState = "admitted" | "unreachable" | "gone";

export interface RegisteredAgent {
  info: AgentInfo;
  /**
   * `info` as the registry holds it, when read from there: an agent re-registering after a
   * failover with the same AgentInfo is recognised by its bytes (comparing the messages field by
   * field was a twentieth of a re-registration).
   */
  encoded?: Uint8Array;
  state: AgentRegistryState;
  /** When it entered `state` (ms since epoch). */
  changedAt: number;
}

export interface StoredQuota {
  role: string;
  guarantees: Record<string, number>;
  limits: Record<string, number>;
  principal?: string;
}

export interface RegistrySnapshot {
  agents: Map<string, RegisteredAgent>;
  quotas: StoredQuota[];
  /** Weights other than the default 1, by role. */
  weights: Map<string, number>;
  maintenance: StoredMaintenance;
  acknowledged: StoredAcknowledgement[];
}

/** The last status update a framework acknowledged for a task (uuid as bytes). */
export interface StoredAcknowledgement {
  frameworkId: string;
  taskId: string;
  agentId: string;
  uuid: Uint8Array;
}

/** One group commit of acknowledgements: rows written (replacing a task's) and tasks forgotten. */
export interface AcknowledgementBatch {
  written: StoredAcknowledgement[];
  forgotten: { frameworkId: string; taskId: string }[];
}

/** The maintenance schedule(s) and the machines in maintenance (DRAINING or DOWN), keyed by machine key. */
export interface StoredMaintenance {
  schedules: maintenance.Schedule[];
  machines: Map<string, MachineInfo>;
}

export interface RegistryStore {
  load(): Promise<RegistrySnapshot>;
  setAgent(id: string, agent: RegisteredAgent): Promise<void>;
  /** Forgets an agent (Mesos's RemoveSlave: a machine went DOWN); it may register again later. */
  removeAgent(id: string): Promise<void>;
  /** Replaces the whole maintenance state in one transaction. */
  setMaintenance(state: StoredMaintenance): Promise<void>;
  setQuota(quota: StoredQuota): Promise<void>;
  removeQuota(role: string): Promise<void>;
  /** Replaces the weights of the given roles in one transaction (weight 1 is stored as absence). */
  updateWeights(weights: ReadonlyMap<string, number>): Promise<void>;
  /** Writes a batch of acknowledgements in one transaction. */
  writeAcknowledgements(batch: AcknowledgementBatch): Promise<void>;
  close(): void;
}
