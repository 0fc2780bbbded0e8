/** The agent checkpoint database's migrations, embedded in the binary (see @mesos/db). */
import type { EmbeddedMigrations, MigrationJournal } from "@mesos/db";
import journal from "../../drizzle/meta/_journal.json";
import m0000 from "../../drizzle/0000_init.sql" with { type: "text" };
import m0001 from "../../drizzle/0001_operations.sql" with { type: "text" };
import m0002 from "../../drizzle/0002_container_config.sql" with { type: "text" };
import m0003 from "../../drizzle/0003_drop_helper_pid.sql" with { type: "text" };
import m0004 from "../../drizzle/0004_resource_providers.sql" with { type: "text" };
import m0005 from "../../drizzle/0005_status_updates_rowid.sql" with { type: "text" };
import m0006 from "../../drizzle/0006_custom_executors.sql" with { type: "text" };
import m0007 from "../../drizzle/0007_status_update_sets_task_state.sql" with { type: "text" };

export const agentMigrations: EmbeddedMigrations = {
  journal: journal as MigrationJournal,
  sql: {
    "0000_init": m0000,
    "0001_operations": m0001,
    "0002_container_config": m0002,
    "0003_drop_helper_pid": m0003,
    "0004_resource_providers": m0004,
    "0005_status_updates_rowid": m0005,
    "0006_custom_executors": m0006,
    "0007_status_update_sets_task_state": m0007,
  },
};
