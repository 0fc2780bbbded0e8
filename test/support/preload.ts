/**
 * Loaded before every test file: a per-run scratch directory under the system temp dir, so tests
 * never write into the repository, and a marker so code can tell it runs under `bun test`.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.MESOS_TEST_TMP ??= mkdtempSync(join(tmpdir(), "mesos-test-"));

import { afterAll } from "bun:test";
import { killLeftoverContainers, removeTestCgroups } from "./leftovers.ts";

afterAll(async () => {
  killLeftoverContainers();
  await Bun.sleep(50);
  await removeTestCgroups();
});
