/**
 * The disk/xfs isolator on a real kernel with XFS project quotas, which this machine's kernel
 * lacks: one VM boot (the team's harness, see vm-harness.ts) runs test/vm/disk-xfs-guest.sh, which
 * mounts XFS images (-o prjquota, and without) and runs disk-xfs.guest.ts with bun test inside.
 * Each guest test is reported here as a test of the same name, failing with the guest's message.
 * Skipped only when the harness is missing, saying where it was looked for.
 */
import { beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureBinary } from "../support/binary.ts";
import { tempDir } from "../support/cluster.ts";
import { findVmHarness, type GuestCase, guestResults, runInVm, type VmRun } from "./vm-harness.ts";

const GUEST_TESTS = join(import.meta.dir, "disk-xfs.guest.ts");
const GUEST_SCRIPT = join(import.meta.dir, "disk-xfs-guest.sh");
/** Software emulation on a machine that may be busy: generous (it takes a few minutes on an idle one). */
const VM_TIMEOUT_MS = 1_800_000;

const harness = findVmHarness();
const skip = "missing" in harness ? harness.missing : undefined;
if (skip) console.warn(`SKIPPING the disk/xfs VM tests: ${skip}`);

/** The guest file's tests (top level, or one describe deep), by the names bun reports them under. */
function guestTestNames(text: string): string[] {
  const names: string[] = [];
  let suite = "";
  for (const m of text.matchAll(/^(describe|test| {2}test)\("((?:[^"\\]|\\.)*)"/gm)) {
    const name = JSON.parse(`"${m[2]}"`) as string;
    if (m[1] === "describe") suite = name;
    else names.push(m[1] === "test" ? name : `${suite} > ${name}`);
  }
  return names;
}
const names = guestTestNames(readFileSync(GUEST_TESTS, "utf8"));

let run: VmRun | undefined;
let results = new Map<string, GuestCase>();

beforeAll(async () => {
  if (skip) return;
  ensureBinary();
  const out = tempDir("vm-disk-xfs");
  run = await runInVm((harness as { path: string }).path, [GUEST_SCRIPT, out], { rw: [out], timeoutMs: VM_TIMEOUT_MS });
  results = guestResults(join(out, "junit.xml"));
  if (results.size === 0) console.error(`The disk/xfs guest run reported nothing (VM exit ${run.code}):\n${run.output}`);
}, VM_TIMEOUT_MS + 60_000);

const vmTail = () => (run ? `\n--- VM exit ${run.code}, last lines of its console:\n${run.output.split("\n").slice(-60).join("\n")}` : "");

function verdict(c: GuestCase | undefined, name: string): void {
  if (!c) throw new Error(`the guest did not report '${name}'${vmTail()}`);
  if (c.skipped) throw new Error(`the guest skipped '${name}' (nothing there should skip)`);
  if (c.failure) throw new Error(`in the VM: ${c.failure}`);
}

test("the guest file has tests", () => {
  expect(names.length).toBeGreaterThan(5);
});

for (const name of names) {
  test.skipIf(Boolean(skip))(`[VM] ${name}`, () => verdict(results.get(name), name));
}

test.skipIf(Boolean(skip))("[VM] the isolator contract on real XFS, and nothing else failed in the guest", () => {
  const others = [...results.values()].filter((c) => !names.includes(c.name));
  expect(others.length).toBeGreaterThan(0);
  for (const c of others) verdict(c, c.name);
  expect(run?.code).toBe(0);
});
