import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const FIXTURE = join(import.meta.dir, "../test-fixtures/run-filtered.ts");

async function run(args: string[]) {
  const proc = Bun.spawn([process.execPath, FIXTURE, ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, PROBE: "x y" } });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  return { stdout, stderr, exitCode: proc.exitCode };
}

describe("execve", () => {
  test("replaces the process with the command, passing argv and the environment", async () => {
    const r = await run(["--", "/bin/sh", "-c", 'echo "$0|$1|$PROBE"', "zero", "one"]);
    expect(r.stdout).toBe("zero|one|x y\n");
    expect(r.exitCode).toBe(0);
  });

  test("gives the task default signal dispositions and an empty mask (Bun ignores SIGPIPE)", async () => {
    const status = ["/bin/grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"];
    expect((await run(["--", ...status])).stdout).toBe("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
    expect((await run(["--keep-signals", "--", ...status])).stdout).not.toContain("SigIgn:\t0000000000000000");
  });

  test("a missing program fails with ENOENT and the process goes on", async () => {
    const r = await run(["--", "/nonexistent/prog"]);
    expect(r.stderr).toBe('run-filtered: execve("/nonexistent/prog") failed: ENOENT (No such file or directory)\n');
    expect(r.exitCode).toBe(3);
  });
});
