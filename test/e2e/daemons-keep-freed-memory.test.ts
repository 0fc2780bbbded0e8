/**
 * `mesos master` and `mesos agent` run themselves again (the same process, the JIT policy's execve)
 * with MIMALLOC_PURGE_DELAY=-1 unless their environment sets it (apps/mesos/src/keep-freed-memory.ts):
 * freed memory is kept for the next allocations instead of being handed back to the kernel and
 * faulted in again. The master's heap also takes huge pages, and JSC keeps its blocks' free pages
 * (apps/mesos/src/huge-pages.ts). A value the user set stays.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HUGE_PAGES_ENV } from "@mesos/mesos/huge-pages";
import { ensureBinary } from "../support/binary.ts";

const started: Bun.Subprocess[] = [];
afterAll(() => {
  for (const proc of started) proc.kill("SIGKILL");
});

const MASTER = ["master", "--registry=in_memory", "--ip=127.0.0.1", "--port=0"];

/** The settings under test: the daemon gets them from its own execve unless `extra` sets them. */
const SETTINGS = ["MIMALLOC_PURGE_DELAY", ...Object.keys(HUGE_PAGES_ENV)];

/** A daemon's environment as the kernel has it once it listens (after it ran itself again), and whether its pid stayed. */
async function daemonEnvironment(extra: Record<string, string>, args = MASTER): Promise<Map<string, string>> {
  return (await daemonOnceListening(extra, args)).env;
}

/** A daemon once it listens: its environment as the kernel has it, and its anonymous memory in huge pages (kB). */
async function daemonOnceListening(extra: Record<string, string>, args = MASTER): Promise<{ env: Map<string, string>; hugePagesKb: number }> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...extra };
  for (const name of SETTINGS) if (!(name in extra)) delete env[name];
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
  const hugePagesKb = Number(readFileSync(`/proc/${proc.pid}/smaps_rollup`, "utf8").match(/AnonHugePages:\s+(\d+) kB/)?.[1] ?? 0);
  proc.kill("SIGKILL");
  return {
    env: new Map(environ.filter((e) => e.includes("=")).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])),
    hugePagesKb,
  };
}

/** The kernel gives huge pages to memory that asks for them (`always` or `madvise`, not `never`). */
const kernelAllowsHugePages = (() => {
  try {
    return !readFileSync("/sys/kernel/mm/transparent_hugepage/enabled", "utf8").includes("[never]");
  } catch {
    return false;
  }
})();

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

describe("the master's heap takes huge pages", () => {
  test("a master started without the settings runs with them, its heap in huge pages where the kernel allows them", async () => {
    const master = await daemonOnceListening({});
    for (const [name, value] of Object.entries(HUGE_PAGES_ENV)) expect(master.env.get(name)).toBe(value);
    if (kernelAllowsHugePages) expect(master.hugePagesKb).toBeGreaterThan(0);
  }, 30_000);

  test("with the user's MIMALLOC_ALLOW_THP=0 its heap has none", async () => {
    const master = await daemonOnceListening({ MIMALLOC_ALLOW_THP: "0" });
    expect(master.env.get("MIMALLOC_ALLOW_THP")).toBe("0");
    expect(master.hugePagesKb).toBe(0);
  }, 30_000);

  test("an agent keeps Bun's defaults", async () => {
    const workDir = mkdtempSync(join(tmpdir(), "agent-no-huge-pages-"));
    const agent = ["agent", "--master=127.0.0.1:1", `--work_dir=${workDir}`, "--ip=127.0.0.1", "--port=0", "--resources=cpus:1;mem:64"];
    try {
      const env = await daemonEnvironment({}, agent);
      for (const name of Object.keys(HUGE_PAGES_ENV)) expect(env.has(name)).toBe(false);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }, 30_000);
});
