/**
 * Opens (creating if needed) a SQLite database through drizzle and brings its schema up to date.
 * WAL with synchronous=NORMAL survives a kill -9 of the process at any point; only a power loss
 * could lose the last transactions.
 */
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { withMigrationsFolder, type EmbeddedMigrations } from "./embedded-migrations.ts";

export type SqliteDb<TSchema extends Record<string, unknown>> = BunSQLiteDatabase<TSchema> & { $client: Database };

export interface OpenSqliteOptions<TSchema extends Record<string, unknown>> {
  /** A file path, or ":memory:" for an in-memory database (tests, `mesos local --in_memory`). */
  path: string;
  schema: TSchema;
  migrations: EmbeddedMigrations;
}

/**
 * In-memory databases start as a copy of one migrated the first time (per migrations, per process):
 * thousands of them (hollow agents, tests) then cost a copy each, not a migration each.
 */
const memoryImages = new WeakMap<EmbeddedMigrations, Uint8Array>();

function configure(client: Database): void {
  client.exec("PRAGMA journal_mode = WAL");
  client.exec("PRAGMA synchronous = NORMAL");
  client.exec("PRAGMA foreign_keys = ON");
  client.exec("PRAGMA busy_timeout = 5000");
}

function migrated<TSchema extends Record<string, unknown>>(client: Database, options: OpenSqliteOptions<TSchema>): SqliteDb<TSchema> {
  const db = drizzle(client, { schema: options.schema });
  if (!upToDate(client, options.migrations)) withMigrationsFolder(options.migrations, (folder) => migrate(db, { migrationsFolder: folder }));
  return db as SqliteDb<TSchema>;
}

/**
 * drizzle's own rule (it applies the migrations newer than the newest it recorded), checked
 * without writing the migrations folder: a restart of an up-to-date database (a master failover)
 * then skips that work.
 */
function upToDate(client: Database, migrations: EmbeddedMigrations): boolean {
  const newest = Math.max(...migrations.journal.entries.map((e) => e.when));
  try {
    const row = client.query("SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1").get() as { created_at: unknown } | null;
    return row !== null && Number(row.created_at) >= newest;
  } catch {
    return false; // a new database: no migrations table yet
  }
}

export function openSqlite<TSchema extends Record<string, unknown>>(options: OpenSqliteOptions<TSchema>): SqliteDb<TSchema> {
  if (options.path === ":memory:") {
    let image = memoryImages.get(options.migrations);
    if (!image) {
      const template = new Database(":memory:", { strict: true });
      configure(template);
      migrated(template, options);
      image = template.serialize();
      template.close();
      memoryImages.set(options.migrations, image);
    }
    const client = Database.deserialize(image, { strict: true });
    configure(client);
    return drizzle(client, { schema: options.schema }) as SqliteDb<TSchema>;
  }
  mkdirSync(dirname(options.path), { recursive: true });
  const client = new Database(options.path, { create: true, strict: true });
  configure(client);
  return migrated(client, options);
}
