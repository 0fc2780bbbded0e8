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

export function openSqlite<TSchema extends Record<string, unknown>>(options: OpenSqliteOptions<TSchema>): SqliteDb<TSchema> {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const client = new Database(options.path, { create: true, strict: true });
  client.exec("PRAGMA journal_mode = WAL");
  client.exec("PRAGMA synchronous = NORMAL");
  client.exec("PRAGMA foreign_keys = ON");
  client.exec("PRAGMA busy_timeout = 5000");
  const db = drizzle(client, { schema: options.schema });
  withMigrationsFolder(options.migrations, (folder) => migrate(db, { migrationsFolder: folder }));
  return db as SqliteDb<TSchema>;
}
