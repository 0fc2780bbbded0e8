/**
 * The installer, for real: child processes install hand-assembled filters and execve a command.
 * Nothing here filters the test runner itself (only programs the kernel rejects are tried in-process).
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LinuxCallError, installSeccompFilter, seccompSupported } from "./index.ts";

const FIXTURE = join(import.meta.dir, "../test-fixtures/run-filtered.ts");
const support = seccompSupported();
if (!support.supported) console.warn(`SKIPPING seccomp installer tests: ${support.reason}`);
const onLinuxWithSeccomp = test.skipIf(!support.supported);

// Hand-assembled classic BPF, so this package is tested without the profile compiler.
const LD_ABS = 0x20,
  JEQ = 0x15,
  RET = 0x06;
const ALLOW = 0x7fff0000,
  ERRNO_EPERM = 0x00050001,
  KILL_PROCESS = 0x80000000;
const NATIVE =
  process.arch === "x64"
    ? { audit: 0xc000003e, mkdir: 83, mkdirat: 258, uname: 63, clone: 56, clone3: 435 }
    : { audit: 0xc00000b7, mkdir: -1, mkdirat: 34, uname: 160, clone: 220, clone3: 435 };

function encode(program: [number, number, number, number][]): Uint8Array {
  const bytes = new Uint8Array(program.length * 8);
  const view = new DataView(bytes.buffer);
  program.forEach(([code, jt, jf, k], i) => {
    view.setUint16(i * 8, code, true);
    view.setUint8(i * 8 + 2, jt);
    view.setUint8(i * 8 + 3, jf);
    view.setUint32(i * 8 + 4, k >>> 0, true);
  });
  return bytes;
}

/** Native arch only; syscall `nrs` get `verdict`, everything else ALLOW. */
function denyProgram(nrs: number[], verdict: number): Uint8Array {
  const checks = nrs.filter((n) => n >= 0);
  return encode([
    [LD_ABS, 0, 0, 4],
    [JEQ, 0, checks.length + 3, NATIVE.audit], // other arch -> kill
    [LD_ABS, 0, 0, 0],
    ...checks.map((nr, i): [number, number, number, number] => [JEQ, checks.length - i, 0, nr]),
    [RET, 0, 0, ALLOW],
    [RET, 0, 0, verdict],
    [RET, 0, 0, KILL_PROCESS],
  ]);
}

const dir = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "seccomp-"));
let n = 0;
async function runFiltered(program: Uint8Array | undefined, opts: string[], cmd: string[]) {
  const args = [...opts];
  if (program) {
    const file = join(dir, `filter-${n++}.bpf`);
    writeFileSync(file, program);
    args.push(`--filter=${file}`);
  }
  const proc = Bun.spawn([process.execPath, FIXTURE, ...args, "--", ...cmd], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  return { stdout, stderr, exitCode: proc.exitCode, signal: proc.signalCode };
}

describe("installSeccompFilter", () => {
  onLinuxWithSeccomp("a filter denying mkdir makes mkdir fail with EPERM while ls works", async () => {
    const program = denyProgram([NATIVE.mkdir, NATIVE.mkdirat], ERRNO_EPERM);
    const r = await runFiltered(program, [], ["/bin/sh", "-c", `mkdir ${dir}/x-$$ ; echo rc=$?; ls / >/dev/null && echo ls-ok`]);
    expect(r.stderr).toContain("Operation not permitted");
    expect(r.stdout).toBe("rc=1\nls-ok\n");
    expect(r.exitCode).toBe(0);
  });

  onLinuxWithSeccomp("a KILL_PROCESS rule kills the task with SIGSYS", async () => {
    const r = await runFiltered(denyProgram([NATIVE.uname], KILL_PROCESS), [], ["/bin/sh", "-c", "echo before; exec /bin/uname"]);
    expect(r.signal).toBe("SIGSYS"); // the filter reached the exec'd shell and, through it, uname
    expect(r.stdout).toBe("before\n");
  });

  onLinuxWithSeccomp("a filter that denies thread creation still gets to execve (no JS work in between)", async () => {
    const noThreads = denyProgram([NATIVE.clone, NATIVE.clone3], ERRNO_EPERM);
    for (let i = 0; i < 5; i++) {
      const r = await runFiltered(noThreads, [], ["/bin/echo", "ok"]);
      expect(r).toMatchObject({ stdout: "ok\n", exitCode: 0 });
    }
  });

  onLinuxWithSeccomp("no_new_privs is left alone unless asked for (Mesos does not set it)", async () => {
    const allowAll = encode([[RET, 0, 0, ALLOW]]);
    const status = ["/bin/grep", "-E", "^(NoNewPrivs|Seccomp):", "/proc/self/status"];
    expect((await runFiltered(allowAll, [], status)).stdout).toBe("NoNewPrivs:\t0\nSeccomp:\t2\n");
    expect((await runFiltered(allowAll, ["--no-new-privs"], status)).stdout).toBe("NoNewPrivs:\t1\nSeccomp:\t2\n");
  });

  test.skipIf(!support.supported || process.getuid?.() !== 0)(
    "a non-root user: installing needs CAP_SYS_ADMIN, kept across the switch; the task's execve drops it",
    async () => {
      const filter = denyProgram([NATIVE.uname], ERRNO_EPERM);
      const status = ["/bin/sh", "-c", "id -u; grep -E '^Cap(Inh|Prm|Eff|Amb):' /proc/self/status; uname || echo uname-denied"];
      const lost = await runFiltered(filter, ["--user=65534:65534"], status);
      expect(lost.exitCode).toBe(3);
      expect(lost.stderr).toContain("EACCES");
      expect(lost.stderr).toContain("needs CAP_SYS_ADMIN or no_new_privs");
      const kept = await runFiltered(filter, ["--user=65534:65534", "--keep-sys-admin"], status);
      expect(kept.stdout).toBe(
        "65534\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapAmb:\t0000000000000000\nuname-denied\n",
      );
    },
  );

  onLinuxWithSeccomp("TSYNC applies the filter to every thread before the exec", async () => {
    const r = await runFiltered(denyProgram([NATIVE.uname], ERRNO_EPERM), ["--tsync"], ["/bin/uname"]);
    expect(r.stderr).toContain("Operation not permitted");
    expect(r.exitCode).not.toBe(0);
  });

  onLinuxWithSeccomp("a program the kernel rejects gives EINVAL with the errno text", () => {
    const bad = encode([
      [LD_ABS, 0, 0, 100],
      [RET, 0, 0, ALLOW],
    ]); // load outside seccomp_data
    expect(() => installSeccompFilter(bad)).toThrow(/^seccomp\(SECCOMP_SET_MODE_FILTER\) failed: EINVAL \(Invalid argument\): the kernel rejected/);
  });

  test("a byte string that is not whole instructions is refused before any system call", () => {
    expect(() => installSeccompFilter(new Uint8Array(12))).toThrow(LinuxCallError);
    expect(() => installSeccompFilter(new Uint8Array(0))).toThrow(/1 to 4096 8-byte instructions, not 0 bytes/);
  });
});

describe("seccompSupported", () => {
  test("reports the kernel's mode and actions, or why not", () => {
    if (!support.supported) return expect(support.reason).toBeString();
    expect(support.mode === 0 || support.mode === 2).toBe(true);
    expect(support.actions).toMatchObject({ kill_process: true, errno: true, allow: true });
  });
});
