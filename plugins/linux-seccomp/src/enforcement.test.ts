/**
 * Compiled profiles enforced by the real kernel: a child process installs the filter with
 * @mesos/linux's installer and execve()s a command on the same thread, as the launch helper will.
 * The child is packages/linux's test helper, run as a script (plugins may use packages).
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileProfile } from "./compiler/compile.ts";
import type { CompileTarget } from "./compiler/target.ts";
import { hostArch } from "./profile/arches.ts";
import { loadProfile } from "./profile/parse-profile.ts";

const RUN_FILTERED = join(import.meta.dir, "../../../packages/linux/test-fixtures/run-filtered.ts");
const MESOS_EXAMPLE = new URL("../test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname;
const arch = hostArch();
const seccompLine = /^Seccomp:/m.test(readFileSync("/proc/self/status", "utf8"));
const skipReason = !arch
  ? `no filters for ${process.arch}`
  : !seccompLine
    ? "the kernel has no seccomp (no Seccomp line in /proc/self/status)"
    : undefined;
if (skipReason) console.warn(`SKIPPING seccomp enforcement tests: ${skipReason}`);
const enforced = test.skipIf(skipReason !== undefined);

const dir = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "seccomp-enforce-"));
let n = 0;

async function runWith(profileJson: string, cmd: string[], target: Partial<CompileTarget> = {}) {
  const filter = compileProfile(loadProfile(profileJson).profile, { arch: arch!, ...target });
  const file = join(dir, `filter-${n++}.bpf`);
  writeFileSync(file, filter.bytes);
  const proc = Bun.spawn([process.execPath, RUN_FILTERED, `--filter=${file}`, "--", ...cmd], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  return { stdout, stderr, exitCode: proc.exitCode, signal: proc.signalCode };
}

const profile = (defaultAction: string, syscalls: object[]) => JSON.stringify({ defaultAction, syscalls });

describe("compiled filters, enforced by the kernel", () => {
  enforced("a profile denying mkdir: mkdir fails with EPERM, ls works", async () => {
    const deny = profile("SCMP_ACT_ALLOW", [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO" }]);
    const r = await runWith(deny, ["/bin/sh", "-c", `mkdir ${dir}/x-$$ ; echo rc=$?; ls / >/dev/null && echo ls-ok`]);
    expect(r.stderr).toContain("Operation not permitted");
    expect(r.stdout).toBe("rc=1\nls-ok\n");
  });

  enforced("SCMP_ACT_KILL_PROCESS on uname kills /bin/uname with SIGSYS (31)", async () => {
    const kill = profile("SCMP_ACT_ALLOW", [{ names: ["uname"], action: "SCMP_ACT_KILL_PROCESS" }]);
    const r = await runWith(kill, ["/bin/sh", "-c", "echo before; exec /bin/uname"]);
    expect(r.stdout).toBe("before\n");
    expect(r.signal).toBe("SIGSYS");
  });

  enforced("an argument condition: personality allowed only for PER_LINUX and the query value", async () => {
    const p = profile("SCMP_ACT_ALLOW", [
      { names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 0, op: "SCMP_CMP_EQ" }] },
      { names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 4294967295, op: "SCMP_CMP_EQ" }] },
      { names: ["personality"], action: "SCMP_ACT_ERRNO" },
    ]);
    const plain = await runWith(p, ["/usr/bin/setarch", arch!, "/bin/echo", "plain"]);
    expect(plain.stdout).toContain("plain");
    const noRandom = await runWith(p, ["/usr/bin/setarch", arch!, "-R", "/bin/echo", "no-aslr"]);
    expect(noRandom.stderr).toContain("Operation not permitted");
    expect(noRandom.stdout).toBe("");
  });

  enforced("the Mesos example profile runs sh -c 'echo ok'", async () => {
    const r = await runWith(readFileSync(MESOS_EXAMPLE, "utf8"), ["/bin/sh", "-c", "echo ok"]);
    expect(r).toMatchObject({ stdout: "ok\n", exitCode: 0 });
  });

  enforced("the example's capability rules: unshare fails without CAP_SYS_ADMIN and works with it", async () => {
    const example = readFileSync(MESOS_EXAMPLE, "utf8");
    const without = await runWith(example, ["/usr/bin/unshare", "--uts", "/bin/echo", "inside"]);
    expect(without.stderr).toContain("Operation not permitted");
    const withCap = await runWith(example, ["/usr/bin/unshare", "--uts", "/bin/echo", "inside"], { capabilities: ["CAP_SYS_ADMIN"] });
    expect(withCap).toMatchObject({ stdout: "inside\n", exitCode: 0 });
  });
});
