/**
 * Compiles the one `mesos` binary: `dist/mesos`. Everything it needs at run time (migrations,
 * the web UI assets, seccomp tables) is imported by the code, so the file is self-contained.
 */
import { mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import { resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
mkdirSync(resolve(root, "dist"), { recursive: true });
const started = performance.now();
// What versionInfo() (@mesos/core) reports: when, by whom and from which commit the binary was built.
const gitSha = Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: root, stderr: "ignore" });
const build = {
  "process.env.MESOS_BUILD_TIME": new Date().toISOString(),
  "process.env.MESOS_BUILD_USER": process.env.USER || userInfo().username,
  "process.env.MESOS_GIT_SHA": gitSha.exitCode === 0 ? gitSha.stdout.toString().trim() : "",
};
const result = await Bun.build({
  entrypoints: [resolve(root, "apps/mesos/src/main.ts")],
  // No bunfig.toml or .env from whatever directory it runs in: a master's, an agent's or a launch
  // helper's settings are their flags and environment (and the helper starts faster without the lookup).
  compile: { outfile: resolve(root, "dist/mesos"), autoloadBunfig: false, autoloadDotenv: false },
  // Precompiled bytecode, and one chunk per lazily imported verb: a verb evaluates only the code it
  // imports, not the whole program's module table. What matters most is `mesos __launch`, run once
  // per container: about 9.5 ms of CPU to start instead of 15 (bare Bun: 5.5).
  bytecode: true,
  format: "esm",
  splitting: true,
  minify: { syntax: true, whitespace: true, identifiers: false },
  sourcemap: "linked",
  define: Object.fromEntries(Object.entries(build).map(([name, value]) => [name, JSON.stringify(value)])),
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.error(`built dist/mesos in ${Math.round(performance.now() - started)} ms`);
