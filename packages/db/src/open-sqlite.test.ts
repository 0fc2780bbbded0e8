import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { EmbeddedMigrations } from "./embedded-migrations.ts";
import { openSqlite } from "./open-sqlite.ts";

const entry = (idx: number, tag: string, when: number) => ({ idx, version: "6", when, tag, breakpoints: true });
const first: EmbeddedMigrations = {
  journal: { version: "7", dialect: "sqlite", entries: [entry(0, "0000_a", 1000)] },
  sql: { "0000_a": "CREATE TABLE a (id integer PRIMARY KEY);" },
};
const second: EmbeddedMigrations = {
  journal: { version: "7", dialect: "sqlite", entries: [...first.journal.entries, entry(1, "0001_b", 2000)] },
  sql: { ...first.sql, "0001_b": "CREATE TABLE b (id integer PRIMARY KEY);" },
};
const tables = (path: string, migrations: EmbeddedMigrations) => {
  const db = openSqlite({ path, schema: {}, migrations });
  const names = db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b') ORDER BY name`);
  db.$client.exec("INSERT OR IGNORE INTO a (id) VALUES (1)");
  const rows = db.all<{ n: number }>(sql`SELECT count(*) AS n FROM a`)[0]!.n;
  db.$client.close();
  return { names: names.map((r) => r.name), rows };
};

test("a file database is migrated when new, brought up to date when older, and opened as it is when current", () => {
  const dir = mkdtempSync(join(tmpdir(), "open-sqlite-"));
  try {
    const path = join(dir, "x.db");
    expect(tables(path, first)).toEqual({ names: ["a"], rows: 1 });
    // Reopened with a newer migration: only that one runs; the data stays.
    expect(tables(path, second)).toEqual({ names: ["a", "b"], rows: 1 });
    // Up to date: nothing to apply (the migrations folder is not even written), and nothing lost.
    expect(tables(path, second)).toEqual({ names: ["a", "b"], rows: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
