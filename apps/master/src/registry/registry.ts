/**
 * The registry API the master uses. Every write is committed before the caller proceeds, so what
 * the master acknowledged (an agent admitted, quota set) survives a crash.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { openSqlite, type SqliteDb } from "@mesos/db";
import { type AgentInfo, AgentInfoSchema } from "@mesos/proto";
import { eq } from "drizzle-orm";
import { registryMigrations } from "./migrations.ts";
import * as schema from "./schema.ts";

export type AgentRegistryState = "admitted" | "unreachable" | "gone";

export interface RegisteredAgent {
  info: AgentInfo;
  state: AgentRegistryState;
  changedAt: number;
}

export interface StoredQuota {
  role: string;
  guarantees: Record<string, number>;
  limits: Record<string, number>;
  principal?: string;
}

export function createRegistry(path: string) {
  const db: SqliteDb<typeof schema> = openSqlite({ path, schema, migrations: registryMigrations });

  return {
    agents(): Map<string, RegisteredAgent> {
      const out = new Map<string, RegisteredAgent>();
      for (const row of db.select().from(schema.agents).all()) {
        out.set(row.id, {
          info: fromBinary(AgentInfoSchema, row.info),
          state: row.state as AgentRegistryState,
          changedAt: row.changedAt,
        });
      }
      return out;
    },

    setAgent(id: string, info: AgentInfo, state: AgentRegistryState, at: number): void {
      const row = { id, info: Buffer.from(toBinary(AgentInfoSchema, info)), state, changedAt: at };
      db.insert(schema.agents).values(row).onConflictDoUpdate({ target: schema.agents.id, set: row }).run();
    },

    removeAgent(id: string): void {
      db.delete(schema.agents).where(eq(schema.agents.id, id)).run();
    },

    weights(): Map<string, number> {
      return new Map(
        db
          .select()
          .from(schema.weights)
          .all()
          .map((w) => [w.role, w.weight]),
      );
    },

    /** Replaces the weights of the given roles (weight 1 is the default and is stored as absence). */
    updateWeights(weights: ReadonlyMap<string, number>): void {
      db.transaction((tx) => {
        for (const [role, weight] of weights) {
          tx.delete(schema.weights).where(eq(schema.weights.role, role)).run();
          if (weight !== 1) tx.insert(schema.weights).values({ role, weight }).run();
        }
      });
    },

    quotas(): StoredQuota[] {
      return db
        .select()
        .from(schema.quotas)
        .all()
        .map((q) => ({
          role: q.role,
          guarantees: JSON.parse(q.guarantees),
          limits: JSON.parse(q.limits),
          principal: q.principal ?? undefined,
        }));
    },

    setQuota(q: StoredQuota): void {
      const row = {
        role: q.role,
        guarantees: JSON.stringify(q.guarantees),
        limits: JSON.stringify(q.limits),
        principal: q.principal ?? null,
      };
      db.insert(schema.quotas).values(row).onConflictDoUpdate({ target: schema.quotas.role, set: row }).run();
    },

    removeQuota(role: string): void {
      db.delete(schema.quotas).where(eq(schema.quotas.role, role)).run();
    },

    getMeta(key: string): string | undefined {
      return db.select().from(schema.meta).where(eq(schema.meta.key, key)).get()?.value;
    },

    setMeta(key: string, value: string): void {
      db.insert(schema.meta).values({ key, value }).onConflictDoUpdate({ target: schema.meta.key, set: { value } }).run();
    },

    close(): void {
      db.$client.close();
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
