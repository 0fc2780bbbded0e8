/**
 * A compiled binary has no migrations folder, so each app embeds its drizzle-kit output
 * (the journal and the `.sql` files, imported as text) and hands it here.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface MigrationJournal {
  version: string;
  dialect: string;
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

export interface EmbeddedMigrations {
  journal: MigrationJournal;
  /** SQL text by journal tag, e.g. `{"0000_init": "CREATE TABLE ..."}`. */
  sql: Record<string, string>;
}

/**
 * Writes the embedded migrations into a fresh temporary folder in drizzle-kit's layout, calls
 * `use(folder)`, then removes the folder. This keeps to drizzle's public migrator API.
 */
export function withMigrationsFolder<T>(migrations: EmbeddedMigrations, use: (folder: string) => T): T {
  const folder = mkdtempSync(join(tmpdir(), "mesos-migrations-"));
  try {
    mkdirSync(join(folder, "meta"));
    writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify(migrations.journal));
    for (const entry of migrations.journal.entries) {
      const text = migrations.sql[entry.tag];
      if (text === undefined) throw new Error(`Embedded migration '${entry.tag}' is listed in the journal but missing`);
      writeFileSync(join(folder, `${entry.tag}.sql`), text);
    }
    return use(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
