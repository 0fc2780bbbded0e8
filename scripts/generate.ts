/**
 * Regenerates committed code: TypeScript from proto/ (buf + protoc-gen-es) and the drizzle
 * migrations of each app whose schema changed. `test/proto/generated-code.test.ts` fails when the
 * committed output is stale.
 */
import { resolve } from "node:path";

const root = resolve(import.meta.dir, "..");

function run(cmd: string[]): void {
  const result = Bun.spawnSync(cmd, { cwd: root, stdio: ["inherit", "inherit", "inherit"] });
  if (result.exitCode !== 0) {
    console.error(`'${cmd.join(" ")}' failed with exit code ${result.exitCode}`);
    process.exit(1);
  }
}

run([resolve(root, "node_modules/.bin/buf"), "generate"]);
for (const config of ["apps/master/drizzle.config.ts", "apps/agent/drizzle.config.ts"]) {
  if (await Bun.file(resolve(root, config)).exists()) {
    run([resolve(root, "node_modules/.bin/drizzle-kit"), "generate", `--config=${config}`]);
  }
}
