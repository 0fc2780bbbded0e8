/**
 * In-process masters and agents for integration tests: temp work dirs, port 0, fast registration,
 * silent logs (set MESOS_TEST_LOG=debug to see them).
 */
import { mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Clock, createLogger, parseFlags, silentLogger, type Logger } from "@mesos/core";
import { agentFlagSpecs, startAgent, type IsolatorFactory, type RunningAgent } from "@mesos/agent";
import {
  type Allocator,
  type AllocatorOptions,
  createHierarchicalAllocator,
  type Leadership,
  masterFlagSpecs,
  type RunningMaster,
  startMaster,
} from "@mesos/master";
import { trackCgroupsRoot } from "./leftovers.ts";

export const REPO_ROOT = resolve(import.meta.dir, "../..");
/** Re-running the binary from source: what the agent uses for `mesos __launch` in tests. */
export const LAUNCH_HELPER_COMMAND = [process.execPath, join(REPO_ROOT, "apps/mesos/src/main.ts")];

export function tempDir(prefix: string): string {
  return mkdtempSync(join(process.env.MESOS_TEST_TMP ?? "/tmp", `${prefix}-`));
}

export function testLogger(name: string): Logger {
  const level = process.env.MESOS_TEST_LOG;
  return level ? createLogger({ name, level: level as never }) : silentLogger;
}

export interface TestMasterOptions {
  flags?: string[];
  clock?: Clock;
  createAllocator?: (o: AllocatorOptions) => Allocator;
  /** Who leads (default: the master itself), e.g. to test redirects to another leader. */
  leader?: Leadership["leader"];
}

export async function startTestMaster(options: TestMasterOptions = {}): Promise<RunningMaster> {
  const argv = [`--work_dir=${tempDir("master")}`, "--port=0", "--ip=127.0.0.1", ...(options.flags ?? [])];
  const { values, effective } = parseFlags(masterFlagSpecs, argv, {});
  return startMaster({
    flags: values,
    effectiveFlags: effective,
    clock: options.clock,
    log: testLogger("master"),
    createAllocator: options.createAllocator ?? createHierarchicalAllocator,
    leadership: options.leader ? { leader: options.leader } : undefined,
  });
}

export interface TestAgentOptions {
  flags?: string[];
  workDir?: string;
  clock?: Clock;
  /** Extra built-in isolators `--isolation` may name. */
  isolators?: Record<string, IsolatorFactory>;
  /** How to run `mesos __launch` (default: from source). */
  launchHelperCommand?: string[];
}

export async function startTestAgent(master: { url: string }, options: TestAgentOptions = {}): Promise<RunningAgent> {
  const argv = [
    `--master=${master.url.replace("http://", "")}`,
    `--work_dir=${options.workDir ?? tempDir("agent")}`,
    "--port=0",
    "--ip=127.0.0.1",
    "--registration_backoff_factor=10ms",
    "--resources=cpus:4;mem:4096;disk:10000;ports:[31000-32000]",
    ...(options.flags ?? []),
  ];
  const { values, effective } = parseFlags(agentFlagSpecs, argv, {});
  const agent = await startAgent({
    flags: values,
    effectiveFlags: effective,
    clock: options.clock,
    log: testLogger("agent"),
    launchHelperCommand: options.launchHelperCommand ?? LAUNCH_HELPER_COMMAND,
    isolators: options.isolators,
  });
  return agent;
}

/** Polls `check` until it returns a truthy value (real time; for conditions driven by processes). */
export async function eventually<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    await Bun.sleep(20);
  }
}

/** A port nothing listens on right now (for a master that must come back on the same address). */
export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}

let cgroupsRoots = 0;

/** A `--cgroups_root` of this test file's own (removed after the file), so test runs never collide. */
export function testCgroupsRoot(): string {
  const root = `mesos-test-${process.pid}-${cgroupsRoots++}`;
  trackCgroupsRoot(root);
  return root;
}
