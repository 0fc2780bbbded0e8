/**
 * The launch helper benchmarks run containers with: dist/mesos when it is newer than the sources it
 * is built from (a stale one would measure old code, or lack what the agent asks of its helper),
 * else a helper-only binary compiled from source into `scratch` the way scripts/build.ts compiles
 * dist/mesos (bytecode, ESM chunks), as in production.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");

/** The newest modification time under the directories a binary is built from (a bench-sized walk). */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== "node_modules") visit(join(path, name));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const dir of ["apps", "packages", "plugins", "scripts/build.ts"]) visit(join(root, dir));
  return newest;
}

export function findOrBuildHelper(scratch: string): string {
  const dist = join(root, "dist/mesos");
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestSource()) return dist;
  if (existsSync(dist)) console.error(`${dist} is older than the sources: the bench compiles a launch helper from them instead`);
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
