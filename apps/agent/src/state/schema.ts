/**
 * The agent's checkpoints: everything needed to recover after a crash. Messages are stored as
 * protobuf bytes. Status updates are appended before they are sent and deleted once acknowledged.
 */
import { blob, integer, sqliteTable, text, primaryKey } from "drizzle-orm/sqlite-core";

export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const frameworks = sqliteTable("frameworks", {
  id: text("id").primaryKey(),
  /** mesos.v1.FrameworkInfo */
  info: blob("info", { mode: "buffer" }).notNull(),
});

export const tasks = sqliteTable(
  "tasks",
  {
    frameworkId: text("framework_id").notNull(),
    taskId: text("task_id").notNull(),
    /** mesos.v1.TaskInfo as launched (with the resources the master granted). */
    info: blob("info", { mode: "buffer" }).notNull(),
    /** The latest TaskState the agent generated. */
    state: integer("state").notNull(),
    containerId: text("container_id").notNull(),
    /** Set when the agent asked the task to stop, so its exit reads as KILLED, not FAILED. */
    killRequested: integer("kill_requested", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.frameworkId, t.taskId] })],
);

export const containers = sqliteTable("containers", {
  /** As Mesos prints it: `parent.child` for nested containers. */
  id: text("id").primaryKey(),
  frameworkId: text("framework_id").notNull(),
  executorId: text("executor_id").notNull(),
  sandbox: text("sandbox").notNull(),
  runtimeDir: text("runtime_dir").notNull(),
  launchedAt: integer("launched_at").notNull(),
  /** mesos.isolator.v1.ContainerConfig: what the isolators prepared it with (they get it back on recovery). */
  config: blob("config", { mode: "buffer" }),
});

export const statusUpdates = sqliteTable("status_updates", {
  // The rowid, without AUTOINCREMENT: only the order of the rows present matters, and AUTOINCREMENT
  // costs every insert a write to sqlite_sequence (an agent inserts three updates a task).
  seq: integer("seq").primaryKey(),
  frameworkId: text("framework_id").notNull(),
  taskId: text("task_id").notNull(),
  uuid: text("uuid").notNull(),
  /** mesos.v1.TaskStatus */
  status: blob("status", { mode: "buffer" }).notNull(),
  /**
   * The task's new state when the update reports one (reportTaskStatus): the trigger of migration
   * 0007 (status_update_sets_task_state) writes it to the task's row in the insert's own statement,
   * so both are stored or neither without a transaction around two statements. A migration that
   * rebuilds this table must create the trigger again.
   */
  taskState: integer("task_state"),
});

/** The agent's total resources after offer operations (reservations, volumes); one row. */
export const checkpointedResources = sqliteTable("checkpointed_resources", {
  id: integer("id").primaryKey(),
  /** mesos.v1.Resource, each length-prefixed (see agent-store.ts). */
  resources: blob("resources", { mode: "buffer" }).notNull(),
});

/** Offer operations applied to this agent and not yet forgotten (terminal and acknowledged). */
export const operations = sqliteTable("operations", {
  uuid: text("uuid").primaryKey(),
  /** mesos.v1.Operation (info, latest status, statuses). */
  operation: blob("operation", { mode: "buffer" }).notNull(),
});

export const operationUpdates = sqliteTable("operation_updates", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  operationUuid: text("operation_uuid").notNull(),
  statusUuid: text("status_uuid").notNull(),
  frameworkId: text("framework_id"),
  /** mesos.v1.OperationStatus */
  status: blob("status", { mode: "buffer" }).notNull(),
});

/** Local resource providers, by type and name: the id they were given and what they checkpointed. */
export const resourceProviders = sqliteTable(
  "resource_providers",
  {
    type: text("type").notNull(),
    name: text("name").notNull(),
    id: text("id").notNull(),
    /** mesos.resource_provider.ResourceProviderState (resources and storage pool profiles). */
    state: blob("state", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.type, t.name] })],
);

/** CSI volume states of the storage resource providers' plugins. */
export const csiVolumes = sqliteTable(
  "csi_volumes",
  {
    pluginType: text("plugin_type").notNull(),
    pluginName: text("plugin_name").notNull(),
    volumeId: text("volume_id").notNull(),
    /** mesos.csi.state.VolumeState */
    state: blob("state", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.pluginType, t.pluginName, t.volumeId] })],
);

/**
 * Custom executors of checkpointing frameworks (Mesos's executor info and latest run): after a
 * restart the agent waits for each to re-subscribe. A row goes when its executor ends.
 */
export const executors = sqliteTable(
  "executors",
  {
    frameworkId: text("framework_id").notNull(),
    executorId: text("executor_id").notNull(),
    containerId: text("container_id").notNull(),
    /** mesos.v1.ExecutorInfo */
    info: blob("info", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.frameworkId, t.executorId] })],
);

/**
 * Acknowledged updates of custom executors' tasks (the status_updates rows are gone by then): an
 * executor re-subscribing with an update the framework acknowledged while it was away hears
 * ACKNOWLEDGED rather than the update being sent again. They go with their executor's row.
 */
export const executorAcknowledgements = sqliteTable(
  "executor_acknowledgements",
  {
    frameworkId: text("framework_id").notNull(),
    executorId: text("executor_id").notNull(),
    taskId: text("task_id").notNull(),
    uuid: text("uuid").notNull(),
  },
  (t) => [primaryKey({ columns: [t.frameworkId, t.executorId, t.taskId, t.uuid] })],
);
