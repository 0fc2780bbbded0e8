/**
 * The launch helper benchmarks run containers with: dist/mesos when it exists, else a helper-only
 * binary compiled from source into `scratch` the way scripts/build.ts compiles dist/mesos
 * (bytecode, ESM chunks), as in production.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");

export function findOrBuildHelper(scratch: string): string {
  const dist = join(root, "dist/mesos");
  if (existsSync(dist)) return dist;
  const entry = join(scratch, "helper-entry.ts");
  writeFileSync(
    entry,
    `const argv = process.argv.slice(2);\nif (argv[0] === "__launch") import(${JSON.stringify(join(root, "apps/agent/src/launch-helper/index.ts"))}).then((m) => m.runLaunchHelper(argv.slice(1))).then((c) => (process.exitCode = c));\n`,
  );
  const out = join(scratch, "mesos-helper");
  const r = Bun.spawnSync(
    [
      process.execPath,
      "build",
      "--compile",
      "--bytecode",
      "--format=esm",
      "--splitting",
      "--no-compile-autoload-bunfig",
      "--no-compile-autoload-dotenv",
      entry,
      "--outfile",
      out,
    ],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  if (r.exitCode !== 0) throw new Error("could not compile the launch helper");
  return out;
}
