/**
 * The compiled binary takes its settings from its flags and environment only: a bunfig.toml (whose
 * `preload` would run code) or a .env in the directory it is started in is not read. It matters
 * most for `mesos __launch`, started in the agent's working directory once per container.
 */
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../support/cluster.ts";
import { ensureBinary } from "../support/binary.ts";

test("a bunfig.toml or .env in the working directory is not loaded", async () => {
  const dir = tempDir("cwd");
  writeFileSync(join(dir, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
  writeFileSync(join(dir, "preload.ts"), 'console.log("PRELOADED");\n');
  writeFileSync(join(dir, ".env"), "MESOS_DOTENV_PROBE=loaded\n");
  for (const args of [["--version"], ["__launch"]]) {
    const proc = Bun.spawn([ensureBinary(), ...args], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(stdout + stderr).not.toContain("PRELOADED");
  }
});
