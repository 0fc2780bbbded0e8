/** The registry's migrations, embedded so the compiled binary carries them (see @mesos/db). */
import type { EmbeddedMigrations, MigrationJournal } from "@mesos/db";
import journal from "../../drizzle/meta/_journal.json";
import m0000 from "../../drizzle/0000_init.sql" with { type: "text" };
import m0001 from "../../drizzle/0001_maintenance.sql" with { type: "text" };
import m0002 from "../../drizzle/0002_acknowledged_updates.sql" with { type: "text" };

export const registryMigrations: EmbeddedMigrations = {
  journal: journal as MigrationJournal,
  sql: { "0000_init": m0000, "0001_maintenance": m0001, "0002_acknowledged_updates": m0002 },
};
