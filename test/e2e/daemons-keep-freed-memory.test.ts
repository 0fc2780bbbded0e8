/**
 * `mesos master` and `mesos agent` run themselves again (the same process, the JIT policy's execve)
 * with MIMALLOC_PURGE_DELAY=-1 unless their environment sets it (apps/mesos/src/keep-freed-memory.ts):
 * freed memory is kept for the next allocations instead of being handed back to the kernel and
 * faulted in again. A value the user set stays.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinary } from "../support/binary.ts";

const started: Bun.Subprocess[] = [];
afterAll(() => {
  for (const proc of started) proc.kill("SIGKILL");
});

const MASTER = ["master", "--registry=in_memory", "--ip=127.0.0.1", "--port=0"];

/** A daemon's environment as the kernel has it once it listens (after it ran itself again), and whether its pid stayed. */
async function daemonEnvironment(extra: Record<string, string>, args = MASTER): Promise<Map<string, string>> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...extra };
  if (!("MIMALLOC_PURGE_DELAY" in extra)) delete env.MIMALLOC_PURGE_DELAY;
  const proc = Bun.spawn([ensureBinary(), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  started.push(proc);
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const deadline = Date.now() + 20_000;
  while (!/listening on/.test(text) && proc.exitCode === null && Date.now() < deadline) await Bun.sleep(25);
  expect(text).toMatch(/listening on/);
  // The process that listens is the one spawned: it replaced itself, it did not start another.
  const environ = readFileSync(`/proc/${proc.pid}/environ`, "utf8").split("\0");
  proc.kill("SIGKILL");
  return new Map(environ.filter((e) => e.includes("=")).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

describe("the daemons keep the memory they free", () => {
  test("a master started without MIMALLOC_PURGE_DELAY runs as the same process with it set to -1", async () => {
    expect((await daemonEnvironment({})).get("MIMALLOC_PURGE_DELAY")).toBe("-1");
  }, 30_000);

  test("so does an agent (it listens before it finds a master)", async () => {
    const workDir = mkdtempSync(join(tmpdir(), "agent-keeps-freed-memory-"));
    const agent = ["agent", "--master=127.0.0.1:1", `--work_dir=${workDir}`, "--ip=127.0.0.1", "--port=0", "--resources=cpus:1;mem:64"];
    try {
      expect((await daemonEnvironment({}, agent)).get("MIMALLOC_PURGE_DELAY")).toBe("-1");
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }, 30_000);

  test("a value the user set stays", async () => {
    expect((await daemonEnvironment({ MIMALLOC_PURGE_DELAY: "25" })).get("MIMALLOC_PURGE_DELAY")).toBe("25");
  }, 30_000);
});
