/**
 * Builds the web UI (app/main.tsx with Preact, and app/style.css) into one JavaScript and one CSS
 * text. Used as a Bun macro by assets.ts: it runs while `bun build --compile` bundles the binary
 * (and when the source runs under `bun test`), so the compiled `mesos` carries the UI in itself.
 * A macro cannot call Bun.build while the bundler waits for it, so it runs the `bun build` CLI.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function bundleUi(): { js: string; css: string } {
  const entry = join(import.meta.dir, "app/main.tsx");
  const run = Bun.spawnSync(
    [
      process.execPath,
      "build",
      entry,
      "--target=browser",
      "--format=esm",
      "--minify",
      "--jsx-runtime=automatic",
      "--jsx-import-source=preact",
      "--define",
      'process.env.NODE_ENV="production"',
    ],
    { cwd: import.meta.dir, env: { ...process.env, BUN_BE_BUN: "1" }, stdout: "pipe", stderr: "pipe" },
  );
  if (run.exitCode !== 0) throw new Error(`Failed to bundle the web UI: ${run.stderr.toString()}`);
  const css = readFileSync(join(import.meta.dir, "app/style.css"), "utf8");
  return { js: run.stdout.toString(), css };
}
