/**
 * The repository's own rules, run with the tests so that CI enforces them: Biome's formatter and
 * linter (biome.json), and the import rules of the design (scripts/check-deps.ts).
 */
import { expect, test } from "bun:test";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");

test("biome check: the code is formatted and lint-clean", () => {
  const run = Bun.spawnSync([join(root, "node_modules/.bin/biome"), "check", "--diagnostic-level=error", "."], { cwd: root });
  const output = run.stdout.toString() + run.stderr.toString();
  if (run.exitCode !== 0) console.error(output);
  expect(run.exitCode).toBe(0);
});

test("check-deps: the design's import rules hold (no deep imports, no app imported across the lines)", async () => {
  const { checkDeps } = await import("../../scripts/check-deps.ts");
  expect(checkDeps()).toEqual([]);
});
