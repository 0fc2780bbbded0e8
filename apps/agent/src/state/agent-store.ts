/**
 * The agent's checkpoint store over SQLite. Each write is committed before the agent acts on it
 * (launches, reports), so a kill -9 at any point leaves a state recovery can continue from.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Statement } from "bun:sqlite";
import { openSqlite, type SqliteDb } from "@mesos/db";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { uuidFromBytes } from "@mesos/core";
import {
  type ExecutorInfo,
  ExecutorInfoSchema,
  type FrameworkInfo,
  FrameworkInfoSchema,
  type Operation,
  OperationSchema,
  OperationStatusSchema,
  type Resource,
  ResourceSchema,
  type TaskInfo,
  TaskInfoSchema,
  type TaskState,
  TaskStatusSchema,
} from "@mesos/proto";
import type { VolumeStateStore } from "@mesos/plugin-csi";
import { type ResourceProviderState, ResourceProviderStateSchema, VolumeStateSchema } from "@mesos/proto/csi";
import type { UpdateStore } from "../status-updates/acknowledged-updates.ts";
import { type OperationUpdate, statusUuidOf } from "../operations/operation-updates.ts";
import { and, asc, eq } from "drizzle-orm";
import type { PendingUpdate, StatusUpdateStore } from "../status-updates/status-update-manager.ts";
import { encodedStatus, uuidOf } from "../status-updates/status-update-manager.ts";
import { agentMigrations } from "./migrations.ts";
import * as schema from "./schema.ts";

export interface CheckpointedTask {
  frameworkId: string;
  info: TaskInfo;
  state: TaskState;
  containerId: string;
  killRequested: boolean;
}

/** A custom executor of a checkpointing framework, with the updates of its tasks the framework acknowledged. */
export interface CheckpointedExecutor {
  frameworkId: string;
  executorId: string;
  containerId: string;
  info: ExecutorInfo;
  /** uuids (as text) by task id. */
  acknowledged: Map<string, Set<string>>;
}

export type CheckpointedContainer = typeof schema.containers.$inferSelect;

export interface StoredResourceProvider {
  type: string;
  name: string;
  id: string;
  state: ResourceProviderState;
}

const bytes = (b: Uint8Array) => Buffer.from(b);

/** Rows of frameworks with nothing on the agent kept at most (Mesos's MAX_COMPLETED_FRAMEWORKS). */
const MAX_IDLE_FRAMEWORK_ROWS = 50;

type Db = SqliteDb<typeof schema> | Parameters<Parameters<SqliteDb<typeof schema>["transaction"]>[0]>[0];

function saveOperationIn(db: Db, operation: Operation): void {
  const row = { uuid: uuidFromBytes(operation.uuid!.value), operation: bytes(toBinary(OperationSchema, operation)) };
  db.insert(schema.operations).values(row).onConflictDoUpdate({ target: schema.operations.uuid, set: row }).run();
}

function appendOperationUpdateIn(db: Db, u: OperationUpdate): void {
  db.insert(schema.operationUpdates)
    .values({
      operationUuid: u.operationUuid,
      statusUuid: statusUuidOf(u),
      frameworkId: u.frameworkId ?? null,
      status: bytes(toBinary(OperationStatusSchema, u.status)),
    })
    .run();
}

/** Encoded resources by object: a provider's state is re-encoded after every operation, its resources mostly the same. */
const encodedResources = new WeakMap<Resource, Uint8Array>();

/** ResourceProviderState's bytes (field 2 is its resources), reusing each resource's encoding. */
function encodeProviderState(state: ResourceProviderState): Buffer {
  const w = new BinaryWriter();
  for (const r of state.resources) {
    let b = encodedResources.get(r);
    if (!b) encodedResources.set(r, (b = toBinary(ResourceSchema, r)));
    w.tag(2, WireType.LengthDelimited).bytes(b);
  }
  const rest = toBinary(ResourceProviderStateSchema, { ...state, resources: [] });
  const head = w.finish();
  return Buffer.concat([head, rest]);
}

/** A list of Resource messages as one blob: each length-delimited, as a repeated field would be. */
function encodeResources(list: Resource[]): Buffer {
  const w = new BinaryWriter();
  for (const r of list) w.bytes(toBinary(ResourceSchema, r));
  return bytes(w.finish());
}

function decodeResources(blob: Uint8Array): Resource[] {
  const r = new BinaryReader(blob);
  const out: Resource[] = [];
  while (r.pos < r.len) out.push(fromBinary(ResourceSchema, r.bytes()));
  return out;
}

export function createAgentStore(path: string) {
  const db: SqliteDb<typeof schema> = openSqlite({ path, schema, migrations: agentMigrations });

  // The statements every task runs (launch, each status update and its acknowledgement, the end),
  // on bun:sqlite itself: drizzle's prepared statements cost about 3 us more a run (their
  // parameters mapped each time), and a task runs about ten of them.
  const raw = db.$client;
  const statement = (text: string) => {
    let prepared: Statement | undefined;
    return () => (prepared ??= raw.prepare(text));
  };
  const appendUpdate = statement("INSERT INTO status_updates (framework_id, task_id, uuid, status) VALUES ($frameworkId, $taskId, $uuid, $status)");
  // The same with the task's new state, which the table's trigger writes to the task's row in this one statement (schema.ts).
  const appendUpdateWithState = statement(
    "INSERT INTO status_updates (framework_id, task_id, uuid, status, task_state) VALUES ($frameworkId, $taskId, $uuid, $status, $state)",
  );
  const removeUpdate = statement("DELETE FROM status_updates WHERE framework_id = $frameworkId AND task_id = $taskId AND uuid = $uuid");
  // By its row: the table has no index on the columns above (a scan of every pending update per acknowledgement).
  const removeUpdateRow = statement("DELETE FROM status_updates WHERE seq = $seq");
  const upsertTask = statement(
    "INSERT INTO tasks (framework_id, task_id, info, state, container_id, kill_requested) VALUES ($frameworkId, $taskId, $info, $state, $containerId, $killRequested) " +
      "ON CONFLICT (framework_id, task_id) DO UPDATE SET info = excluded.info, state = excluded.state, container_id = excluded.container_id, kill_requested = excluded.kill_requested",
  );
  const setTaskKillRequested = statement("UPDATE tasks SET kill_requested = $killRequested WHERE framework_id = $frameworkId AND task_id = $taskId");
  const deleteTask = statement("DELETE FROM tasks WHERE framework_id = $frameworkId AND task_id = $taskId");
  // A framework shut down goes with everything it left.
  const forgetFrameworkRows = ["tasks", "containers", "status_updates"]
    .map((table) => statement(`DELETE FROM ${table} WHERE framework_id = $id`))
    .concat(statement("DELETE FROM frameworks WHERE id = $id"));
  const forgetFramework = raw.transaction((id: string) => {
    for (const remove of forgetFrameworkRows) remove().run({ id });
  });
  const upsertFramework = statement("INSERT INTO frameworks (id, info) VALUES ($id, $info) ON CONFLICT (id) DO UPDATE SET info = excluded.info");
  const deleteFrameworkRow = statement("DELETE FROM frameworks WHERE id = $id");
  // Every launch checkpoints its framework's info, which rarely changes: an identical write is skipped.
  const savedFrameworks = new Map<string, Buffer>();
  // Frameworks with nothing left on the agent whose rows are kept (see frameworkIdle), oldest first.
  const idleFrameworks = new Set<string>();

  const append = (u: PendingUpdate) => {
    const row = appendUpdate().run({ frameworkId: u.frameworkId, taskId: u.taskId, uuid: uuidOf(u), status: encodedStatus(u) });
    u.seq = Number(row.lastInsertRowid);
  };

  const statusUpdates: StatusUpdateStore = {
    append,
    remove(u: PendingUpdate) {
      if (u.seq !== undefined) removeUpdateRow().run({ seq: u.seq });
      else removeUpdate().run({ frameworkId: u.frameworkId, taskId: u.taskId, uuid: uuidOf(u) });
    },
    loadAll() {
      return db
        .select()
        .from(schema.statusUpdates)
        .orderBy(asc(schema.statusUpdates.seq))
        .all()
        .map((row) => ({
          frameworkId: row.frameworkId,
          taskId: row.taskId,
          status: fromBinary(TaskStatusSchema, row.status),
          encoded: row.status,
          seq: row.seq,
        }));
    },
  };

  const operationUpdates: UpdateStore<OperationUpdate> = {
    append: (u) => appendOperationUpdateIn(db, u),
    remove(u) {
      db.delete(schema.operationUpdates)
        .where(and(eq(schema.operationUpdates.operationUuid, u.operationUuid), eq(schema.operationUpdates.statusUuid, statusUuidOf(u))))
        .run();
    },
    loadAll() {
      return db
        .select()
        .from(schema.operationUpdates)
        .orderBy(asc(schema.operationUpdates.seq))
        .all()
        .map((r) => ({
          operationUuid: r.operationUuid,
          frameworkId: r.frameworkId ?? undefined,
          status: fromBinary(OperationStatusSchema, r.status),
        }));
    },
  };

  return {
    statusUpdates,

    getMeta(key: string): string | undefined {
      return db.select().from(schema.meta).where(eq(schema.meta.key, key)).get()?.value;
    },
    setMeta(key: string, value: string): void {
      db.insert(schema.meta).values({ key, value }).onConflictDoUpdate({ target: schema.meta.key, set: { value } }).run();
    },

    /** `encoded`: the info's bytes if the caller has them (a RunTask's, as the master sent them). */
    saveFramework(info: FrameworkInfo, encoded?: Uint8Array): void {
      const id = info.id!.value;
      const infoBytes = encoded ?? toBinary(FrameworkInfoSchema, info);
      idleFrameworks.delete(id);
      if (savedFrameworks.get(id)?.equals(infoBytes)) return;
      const row = { id, info: bytes(infoBytes) };
      upsertFramework().run(row);
      savedFrameworks.set(id, row.info);
    },
    frameworks(): FrameworkInfo[] {
      return db
        .select()
        .from(schema.frameworks)
        .all()
        .map((r) => fromBinary(FrameworkInfoSchema, r.info));
    },
    /** The framework was shut down: its row goes with its tasks', containers' and updates' rows. */
    removeFramework(id: string): void {
      idleFrameworks.delete(id);
      savedFrameworks.delete(id);
      forgetFramework(id);
    },
    /**
     * The framework has nothing left on the agent (its last task was forgotten). Its row stays, as
     * Mesos's framework meta directory stays until garbage-collected: on a busy agent a framework's
     * last task ends about as often as tasks do, and deleting the row only to write it again with
     * the next task was a quarter of a task's statements. A restarted agent does not recover a
     * framework without tasks (recover.ts drops it and its row, as Mesos's recoverFramework
     * garbage-collects one without executors); past MAX_IDLE_FRAMEWORK_ROWS the oldest row goes.
     */
    frameworkIdle(id: string): void {
      idleFrameworks.delete(id);
      idleFrameworks.add(id);
      if (idleFrameworks.size <= MAX_IDLE_FRAMEWORK_ROWS) return;
      const oldest = idleFrameworks.values().next().value!;
      idleFrameworks.delete(oldest);
      savedFrameworks.delete(oldest);
      deleteFrameworkRow().run({ id: oldest });
    },
    /** A framework's row alone (recovery found it without tasks). */
    removeFrameworkRow(id: string): void {
      idleFrameworks.delete(id);
      savedFrameworks.delete(id);
      deleteFrameworkRow().run({ id });
    },

    /** `encodedInfo`: the info's bytes if the caller has them (a RunTask's, as the master sent them). */
    saveTask(task: CheckpointedTask, encodedInfo?: Uint8Array): void {
      upsertTask().run({
        frameworkId: task.frameworkId,
        taskId: task.info.taskId!.value,
        info: encodedInfo ?? toBinary(TaskInfoSchema, task.info),
        state: task.state,
        containerId: task.containerId,
        killRequested: task.killRequested ? 1 : 0,
      });
    },
    /** A kill was asked for. (A task's state changes only with the update that reports it: reportTaskStatus.) */
    markKillRequested(frameworkId: string, taskId: string): void {
      setTaskKillRequested().run({ frameworkId, taskId, killRequested: 1 });
    },
    /**
     * A task's new state and the update that reports it, in one statement (the insert's trigger sets
     * the state): a kill -9 leaves both or neither (a terminal state without its update would never
     * be reported). Two statements in a transaction cost about twice as much.
     */
    reportTaskStatus(u: PendingUpdate): void {
      const row = appendUpdateWithState().run({
        frameworkId: u.frameworkId,
        taskId: u.taskId,
        uuid: uuidOf(u),
        status: encodedStatus(u),
        state: u.status.state,
      });
      u.seq = Number(row.lastInsertRowid);
    },
    removeTask(frameworkId: string, taskId: string): void {
      deleteTask().run({ frameworkId, taskId });
    },
    tasks(): CheckpointedTask[] {
      return db
        .select()
        .from(schema.tasks)
        .all()
        .map((r) => ({
          frameworkId: r.frameworkId,
          info: fromBinary(TaskInfoSchema, r.info),
          state: r.state as TaskState,
          containerId: r.containerId,
          killRequested: r.killRequested,
        }));
    },

    saveExecutor(e: Omit<CheckpointedExecutor, "acknowledged">): void {
      const row = {
        frameworkId: e.frameworkId,
        executorId: e.executorId,
        containerId: e.containerId,
        info: bytes(toBinary(ExecutorInfoSchema, e.info)),
      };
      db.insert(schema.executors)
        .values(row)
        .onConflictDoUpdate({ target: [schema.executors.frameworkId, schema.executors.executorId], set: row })
        .run();
    },
    /** The framework acknowledged an update of a custom executor's task. */
    saveExecutorAcknowledgement(frameworkId: string, executorId: string, taskId: string, uuid: string): void {
      db.insert(schema.executorAcknowledgements).values({ frameworkId, executorId, taskId, uuid }).onConflictDoNothing().run();
    },
    /** The task is forgotten: what its executor's acknowledgements said of it goes. */
    removeExecutorAcknowledgements(frameworkId: string, executorId: string, taskId: string): void {
      const a = schema.executorAcknowledgements;
      db.delete(a)
        .where(and(eq(a.frameworkId, frameworkId), eq(a.executorId, executorId), eq(a.taskId, taskId)))
        .run();
    },
    /** The executor ended: its row and its acknowledgements go. */
    removeExecutor(frameworkId: string, executorId: string): void {
      db.transaction((tx) => {
        tx.delete(schema.executors)
          .where(and(eq(schema.executors.frameworkId, frameworkId), eq(schema.executors.executorId, executorId)))
          .run();
        tx.delete(schema.executorAcknowledgements)
          .where(and(eq(schema.executorAcknowledgements.frameworkId, frameworkId), eq(schema.executorAcknowledgements.executorId, executorId)))
          .run();
      });
    },
    executors(): CheckpointedExecutor[] {
      const found = db
        .select()
        .from(schema.executors)
        .all()
        .map((r) => ({
          frameworkId: r.frameworkId,
          executorId: r.executorId,
          containerId: r.containerId,
          info: fromBinary(ExecutorInfoSchema, r.info),
          acknowledged: new Map<string, Set<string>>(),
        }));
      for (const a of db.select().from(schema.executorAcknowledgements).all()) {
        const e = found.find((x) => x.frameworkId === a.frameworkId && x.executorId === a.executorId);
        if (!e) continue;
        let uuids = e.acknowledged.get(a.taskId);
        if (!uuids) e.acknowledged.set(a.taskId, (uuids = new Set()));
        uuids.add(a.uuid);
      }
      return found;
    },

    saveContainer(c: CheckpointedContainer): void {
      db.insert(schema.containers).values(c).onConflictDoUpdate({ target: schema.containers.id, set: c }).run();
    },
    removeContainer(id: string): void {
      db.delete(schema.containers).where(eq(schema.containers.id, id)).run();
    },
    containers(): CheckpointedContainer[] {
      return db.select().from(schema.containers).all();
    },

    /** The agent's total after operations; undefined until the first operation. */
    checkpointedResources(): Resource[] | undefined {
      const row = db.select().from(schema.checkpointedResources).get();
      return row ? decodeResources(row.resources) : undefined;
    },

    /**
     * Records an applied operation in one transaction: the new total, the operation, and its first
     * status update. A crash leaves either all of it or none.
     */
    applyOperation(total: Resource[], operation: Operation, update: OperationUpdate): void {
      db.transaction((tx) => {
        const resources = encodeResources(total);
        tx.insert(schema.checkpointedResources)
          .values({ id: 1, resources })
          .onConflictDoUpdate({ target: schema.checkpointedResources.id, set: { resources } })
          .run();
        saveOperationIn(tx, operation);
        appendOperationUpdateIn(tx, update);
      });
    },

    saveOperation(operation: Operation): void {
      saveOperationIn(db, operation);
    },
    removeOperation(uuid: string): void {
      db.delete(schema.operations).where(eq(schema.operations.uuid, uuid)).run();
    },
    operations(): Operation[] {
      return db
        .select()
        .from(schema.operations)
        .all()
        .map((r) => fromBinary(OperationSchema, r.operation));
    },
    operationUpdates,

    resourceProviders(): StoredResourceProvider[] {
      return db
        .select()
        .from(schema.resourceProviders)
        .all()
        .map((r) => ({ type: r.type, name: r.name, id: r.id, state: fromBinary(ResourceProviderStateSchema, r.state) }));
    },
    /**
     * A resource provider's state (if given), with an operation and its status update in the same
     * transaction: a crash leaves the provider's resources and its operations in step.
     */
    saveResourceProvider(
      p: Omit<StoredResourceProvider, "state"> & { state?: ResourceProviderState },
      operation?: Operation,
      update?: OperationUpdate,
    ): void {
      db.transaction((tx) => {
        if (p.state) {
          const row = { type: p.type, name: p.name, id: p.id, state: encodeProviderState(p.state) };
          tx.insert(schema.resourceProviders)
            .values(row)
            .onConflictDoUpdate({ target: [schema.resourceProviders.type, schema.resourceProviders.name], set: row })
            .run();
        }
        if (operation) saveOperationIn(tx, operation);
        if (update) appendOperationUpdateIn(tx, update);
      });
    },
    removeResourceProvider(type: string, name: string): void {
      db.delete(schema.resourceProviders)
        .where(and(eq(schema.resourceProviders.type, type), eq(schema.resourceProviders.name, name)))
        .run();
    },

    /** The CSI volume states of one plugin (what its volume manager checkpoints). */
    csiVolumes(pluginType: string, pluginName: string): VolumeStateStore {
      const of = and(eq(schema.csiVolumes.pluginType, pluginType), eq(schema.csiVolumes.pluginName, pluginName));
      return {
        async load() {
          const rows = db.select().from(schema.csiVolumes).where(of).all();
          return new Map(rows.map((r) => [r.volumeId, fromBinary(VolumeStateSchema, r.state)]));
        },
        async save(volumeId, state) {
          const row = { pluginType, pluginName, volumeId, state: bytes(toBinary(VolumeStateSchema, state)) };
          db.insert(schema.csiVolumes)
            .values(row)
            .onConflictDoUpdate({ target: [schema.csiVolumes.pluginType, schema.csiVolumes.pluginName, schema.csiVolumes.volumeId], set: row })
            .run();
        },
        async remove(volumeId) {
          db.delete(schema.csiVolumes)
            .where(and(of, eq(schema.csiVolumes.volumeId, volumeId)))
            .run();
        },
      };
    },

    close(): void {
      db.$client.close();
    },
  };
}

export type AgentStore = ReturnType<typeof createAgentStore>;
