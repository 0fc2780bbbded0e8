/**
 * The registry in SQLite (a file in the work dir, or ":memory:" for --registry=in_memory and
 * tests), through drizzle. bun:sqlite commits synchronously, so every write has committed by the
 * time its promise exists.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { openSqlite, type SqliteDb } from "@mesos/db";
import { type AgentInfo, AgentInfoSchema, MachineInfoSchema, maintenance } from "@mesos/proto";
import { asc, eq } from "drizzle-orm";
import { registryMigrations } from "./migrations.ts";
import type { AcknowledgementBatch, AgentRegistryState, RegisteredAgent, RegistryStore, StoredQuota } from "./registry-store.ts";
import * as schema from "./schema.ts";

export function openSqliteRegistry(path: string): RegistryStore {
  const db: SqliteDb<typeof schema> = openSqlite({ path, schema, migrations: registryMigrations });
  // Prepared once, in SQL (the table is drizzle's, acknowledged_updates): acknowledgements are
  // written several times a task, and building each statement anew through drizzle cost ten times
  // what running it does. Their parameters are positional: bound from an object by name, a row
  // cost about twice as much.
  const writeAck = db.$client.prepare<unknown, [string, string, string, Uint8Array]>(
    "INSERT INTO acknowledged_updates (framework_id, task_id, agent_id, uuid) VALUES (?1, ?2, ?3, ?4) " +
      "ON CONFLICT (framework_id, task_id) DO UPDATE SET agent_id = excluded.agent_id, uuid = excluded.uuid",
  );
  const forgetAck = db.$client.prepare<unknown, [string, string]>("DELETE FROM acknowledged_updates WHERE framework_id = ?1 AND task_id = ?2");
  // bun:sqlite's own transaction: it keeps its BEGIN and COMMIT prepared too.
  const writeAcks = db.$client.transaction(({ written, forgotten }: AcknowledgementBatch) => {
    for (const a of written) writeAck.run(a.frameworkId, a.taskId, a.agentId, a.uuid);
    for (const a of forgotten) forgetAck.run(a.frameworkId, a.taskId);
  });
  const committed = (write: () => unknown): Promise<void> => {
    try {
      write();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  };

  return {
    async load() {
      const agents = new Map(
        db
          .select()
          .from(schema.agents)
          .all()
          .map((row) => [row.id, storedAgent(new Uint8Array(row.info), row.state as AgentRegistryState, row.changedAt)]),
      );
      const quotas: StoredQuota[] = db
        .select()
        .from(schema.quotas)
        .all()
        .map((q) => ({ role: q.role, guarantees: JSON.parse(q.guarantees), limits: JSON.parse(q.limits), principal: q.principal ?? undefined }));
      const weights = new Map(
        db
          .select()
          .from(schema.weights)
          .all()
          .map((w) => [w.role, w.weight]),
      );
      const schedules = db
        .select()
        .from(schema.maintenanceSchedules)
        .orderBy(asc(schema.maintenanceSchedules.position))
        .all()
        .map((row) => fromBinary(maintenance.ScheduleSchema, row.schedule));
      const machines = new Map(
        db
          .select()
          .from(schema.machines)
          .all()
          .map((row) => [row.key, fromBinary(MachineInfoSchema, row.info)]),
      );
      // In SQL, rows as arrays: a failover reads one per task (drizzle's row mapping was most of it).
      const acknowledged = (
        db.$client.prepare("SELECT framework_id, task_id, agent_id, uuid FROM acknowledged_updates").values() as [
          string,
          string,
          string,
          Uint8Array,
        ][]
      ).map(([frameworkId, taskId, agentId, uuid]) => ({ frameworkId, taskId, agentId, uuid }));
      return { agents, quotas, weights, maintenance: { schedules, machines }, acknowledged };
    },

    setAgent: (id, agent) =>
      committed(() => {
        const row = { id, info: Buffer.from(toBinary(AgentInfoSchema, agent.info)), state: agent.state, changedAt: agent.changedAt };
        db.insert(schema.agents).values(row).onConflictDoUpdate({ target: schema.agents.id, set: row }).run();
      }),

    removeAgent: (id) => committed(() => db.delete(schema.agents).where(eq(schema.agents.id, id)).run()),

    setMaintenance: (state) =>
      committed(() =>
        db.transaction((tx) => {
          tx.delete(schema.maintenanceSchedules).run();
          state.schedules.forEach((schedule, position) =>
            tx
              .insert(schema.maintenanceSchedules)
              .values({ position, schedule: Buffer.from(toBinary(maintenance.ScheduleSchema, schedule)) })
              .run(),
          );
          tx.delete(schema.machines).run();
          for (const [key, info] of state.machines) {
            tx.insert(schema.machines)
              .values({ key, info: Buffer.from(toBinary(MachineInfoSchema, info)) })
              .run();
          }
        }),
      ),

    setQuota: (q) =>
      committed(() => {
        const row = { role: q.role, guarantees: JSON.stringify(q.guarantees), limits: JSON.stringify(q.limits), principal: q.principal ?? null };
        db.insert(schema.quotas).values(row).onConflictDoUpdate({ target: schema.quotas.role, set: row }).run();
      }),

    removeQuota: (role) => committed(() => db.delete(schema.quotas).where(eq(schema.quotas.role, role)).run()),

    updateWeights: (weights) =>
      committed(() =>
        db.transaction((tx) => {
          for (const [role, weight] of weights) {
            tx.delete(schema.weights).where(eq(schema.weights.role, role)).run();
            if (weight !== 1) tx.insert(schema.weights).values({ role, weight }).run();
          }
        }),
      ),

    writeAcknowledgements: (batch) => committed(() => writeAcks(batch)),

    close() {
      db.$client.close();
    },
  };
}

/**
 * An agent's row, its AgentInfo decoded when first read: after a failover the agents re-register
 * with the same bytes (see RegisteredAgent.encoded), and the master answers sooner for not
 * decoding 10,000 of them first.
 */
function storedAgent(encoded: Uint8Array, state: AgentRegistryState, changedAt: number): RegisteredAgent {
  let info: AgentInfo | undefined;
  return {
    get info() {
      info ??= fromBinary(AgentInfoSchema, encoded);
      return info;
    },
    encoded,
    state,
    changedAt,
  };
}
