/**
 * The master's registry: what must survive a master restart. As in Mesos it holds the admitted
 * agents (and which are unreachable or gone), quota, weights and maintenance (the schedule and the
 * machines' modes); frameworks re-subscribe on their own.
 * Messages are stored as protobuf bytes so the registry needs no migration when messages grow.
 */
import { blob, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const agents = sqliteTable("agents", {
  id: text("id").primaryKey(),
  /** mesos.v1.AgentInfo, binary. */
  info: blob("info", { mode: "buffer" }).notNull(),
  /** admitted | unreachable | gone */
  state: text("state").notNull(),
  /** When it was marked unreachable or gone (ms since epoch). */
  changedAt: integer("changed_at").notNull(),
});

export const weights = sqliteTable("weights", {
  role: text("role").primaryKey(),
  weight: real("weight").notNull(),
});

export const quotas = sqliteTable("quotas", {
  role: text("role").primaryKey(),
  /** JSON object name -> amount. */
  guarantees: text("guarantees").notNull(),
  limits: text("limits").notNull(),
  principal: text("principal"),
});

export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** The maintenance schedule(s), in order (Mesos keeps a list and uses the first). */
export const maintenanceSchedules = sqliteTable("maintenance_schedules", {
  position: integer("position").primaryKey(),
  /** mesos.v1.maintenance.Schedule, binary. */
  schedule: blob("schedule", { mode: "buffer" }).notNull(),
});

/** Machines in maintenance (DRAINING or DOWN); a machine that is UP has no row. */
export const machines = sqliteTable("machines", {
  /** The machine's identity: lower-case hostname and ip (see maintenance/machine-id.ts). */
  key: text("key").primaryKey(),
  /** mesos.v1.MachineInfo, binary. */
  info: blob("info", { mode: "buffer" }).notNull(),
});

/** Per task, the uuid of the last status update its framework acknowledged (one row a task). */
export const acknowledgedUpdates = sqliteTable(
  "acknowledged_updates",
  {
    frameworkId: text("framework_id").notNull(),
    taskId: text("task_id").notNull(),
    /** The agent the task runs on: its re-registration without the task ends the row. */
    agentId: text("agent_id").notNull(),
    uuid: blob("uuid", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.frameworkId, t.taskId] })],
);
