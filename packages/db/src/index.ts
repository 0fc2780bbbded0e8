export { openSqlite, type SqliteDb, type OpenSqliteOptions } from "./open-sqlite.ts";
export { withMigrationsFolder, type EmbeddedMigrations, type MigrationJournal } from "./embedded-migrations.ts";
