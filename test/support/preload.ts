/**
 * Loaded before every test file: a per-run scratch directory under the system temp dir, so tests
 * never write into the repository, and a marker so code can tell it runs under `bun test`; at the
 * end of the run, the containers and cgroups tests left behind are removed.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ownScratch = process.env.MESOS_TEST_TMP === undefined;
process.env.MESOS_TEST_TMP ??= mkdtempSync(join(tmpdir(), "mesos-test-"));

import { afterAll } from "bun:test";
import { killContainersUnder } from "./container-sweep.ts";
import { removeTestCgroups } from "./leftovers.ts";

// Once, after the last file: whatever a test left running under the scratch directory (only one
// made here: a directory given from outside may be shared with processes that are not ours).
afterAll(async () => {
  if (ownScratch) await killContainersUnder([process.env.MESOS_TEST_TMP!]);
  await removeTestCgroups();
});
