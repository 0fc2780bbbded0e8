/**
 * Tests that need a kernel feature this machine's kernel lacks (XFS project quotas) run in a VM:
 * the team's harness `shared/vm/run-in-vm.sh`, which CI checks out next to the repository (so at
 * `../shared/vm/` from the repo root; a worktree further down finds it in an ancestor). It is not
 * part of the repository. `MESOS_VM_HARNESS=/path/to/run-in-vm.sh` overrides the search.
 *
 * The guest sees the host's files read-only at the same paths; `rw` directories come back written.
 * A guest-side `bun test` writes a JUnit report there, which `guestResults` reads, so each guest
 * test becomes a host test with its own verdict and message.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { REPO_ROOT } from "../support/cluster.ts";

/** The harness script, or why there is none (the paths looked at). */
export function findVmHarness(): { path: string } | { missing: string } {
  const override = process.env.MESOS_VM_HARNESS;
  if (override) return existsSync(override) ? { path: resolve(override) } : { missing: `MESOS_VM_HARNESS=${override} does not exist` };
  const looked: string[] = [];
  for (let dir = dirname(REPO_ROOT); ; dir = dirname(dir)) {
    const candidate = join(dir, "shared/vm/run-in-vm.sh");
    looked.push(candidate);
    if (existsSync(candidate)) return { path: candidate };
    if (dirname(dir) === dir) break;
  }
  return { missing: `no VM harness: looked for ${looked.join(", ")} (CI checks out shared/ next to the repository; or set MESOS_VM_HARNESS)` };
}

export interface VmRun {
  code: number;
  /** The guest's console (its stdout and stderr) and the harness's own lines. */
  output: string;
}

/** Runs a script as root in a fresh VM. `rw`: host directories the guest may write back to. */
export async function runInVm(
  harness: string,
  script: string[],
  options: { rw?: string[]; env?: Record<string, string>; timeoutMs: number },
): Promise<VmRun> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...options.env };
  if (options.rw?.length) env.VM_RW = options.rw.join(":");
  if (options.env) env.VM_ENV = [process.env.VM_ENV, ...Object.keys(options.env)].filter(Boolean).join(" ");
  env.VM_TIMEOUT = String(Math.ceil(options.timeoutMs / 1000));
  const proc = Bun.spawn([harness, ...script], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, output: out + err };
}

export interface GuestCase {
  name: string;
  /** Absent if it passed; the failure text otherwise. */
  failure?: string;
  skipped?: boolean;
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, "&");

/** The test cases of a bun JUnit report, by name (`describe > test` for tests in a describe). */
export function guestResults(junitPath: string): Map<string, GuestCase> {
  const cases = new Map<string, GuestCase>();
  if (!existsSync(junitPath)) return cases;
  const xml = readFileSync(junitPath, "utf8");
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const suite = decode(/\bclassname="([^"]*)"/.exec(m[1]!)?.[1] ?? "");
    const test = decode(/\bname="([^"]*)"/.exec(m[1]!)?.[1] ?? "");
    const name = suite ? `${suite} > ${test}` : test;
    const body = m[3] ?? "";
    const failed = /<(failure|error)\b([^>]*)>([\s\S]*?)<\/\1>|<(failure|error)\b([^>]*)\/>/.exec(body);
    cases.set(name, {
      name,
      skipped: /<skipped\b/.test(body),
      failure: failed ? decode(`${/message="([^"]*)"/.exec(failed[2] ?? failed[5] ?? "")?.[1] ?? ""}\n${failed[3] ?? ""}`).trim() : undefined,
    });
  }
  return cases;
}
