/**
 * `npm test`: builds dist/mesos (the end-to-end tests run the compiled binary), runs every test
 * file with bun test, and ends with the one line CI reads: `tests: N passed, M failed`.
 * Extra arguments go to bun test (e.g. `npm test -- test/integration`).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const bun = process.execPath;

const build = Bun.spawnSync([bun, "run", join(root, "scripts/build.ts")], { cwd: root, stdio: ["inherit", "inherit", "inherit"] });
if (build.exitCode !== 0) {
  console.log("tests: 0 passed, 1 failed (the build failed)");
  process.exit(1);
}

const reportDir = mkdtempSync(join(tmpdir(), "mesos-junit-"));
const report = join(reportDir, "junit.xml");
const args = process.argv.slice(2);
const run = Bun.spawnSync([bun, "test", "--timeout=60000", "--reporter=junit", `--reporter-outfile=${report}`, ...args], {
  cwd: root,
  stdio: ["inherit", "inherit", "inherit"],
});

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const xml = readFileSync(report, "utf8");
  for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) skipped++;
    else passed++;
  }
} catch (e) {
  console.error(`Could not read the test report: ${(e as Error).message}`);
  failed++;
}
rmSync(reportDir, { recursive: true, force: true });
// A crash outside any test (an unhandled error, a file that fails to load) counts as a failure.
if (run.exitCode !== 0 && failed === 0) failed = 1;
if (skipped > 0) console.log(`(${skipped} skipped)`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
