import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { checkProfile, formatCheckReport, runSeccompCheck } from "./check.ts";

const MESOS_EXAMPLE = new URL("../test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, deps: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

describe("checkProfile", () => {
  test("a loadable profile: counts, path and warnings", () => {
    const r = checkProfile(readFileSync(MESOS_EXAMPLE, "utf8"), { arch: "x86_64", kernel: [6, 1] }, "example.json");
    expect(r).toMatchObject({ ok: true, errors: [], rules: 275, target: { abis: ["x86_64", "i386", "x32"] } });
    expect(r.worstCasePath).toBeLessThanOrEqual(r.pathBound);
    expect(r.instructions).toBe(r.program.length);
    expect(r.warnings).toHaveLength(2); // recv and send exist on none of our architectures
  });

  test("a broken profile: every error, no figures", () => {
    const r = checkProfile('{"defaultAction": "SCMP_ACT_NOPE", "syscalls": [{"names": [], "action": "SCMP_ACT_ALLOW"}]}', { arch: "aarch64" });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      "defaultAction: unknown action 'SCMP_ACT_NOPE'; expected one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG",
      "syscalls[0].names: must list at least one syscall name",
    ]);
    expect(r.instructions).toBe(0);
  });

  test("the report text", () => {
    const json = JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mkdir", "mkdri"], action: "SCMP_ACT_ERRNO" }] });
    const text = formatCheckReport(checkProfile(json, { arch: "x86_64", capabilities: ["CAP_CHOWN"], kernel: [6, 1] }, "deny.json"), { dump: true });
    expect(text.split("\n")).toEqual([
      "deny.json: OK",
      "  target:          x86_64; capabilities: CAP_CHOWN; kernel 6.1",
      "  rules:           1 (rule, syscall) pairs on x86_64",
      "  instructions:    9",
      "  worst-case path: 6 instructions (target <= 3*log2(rules)+10 = 10.0)",
      "warnings (1):",
      "  syscalls[0].names[1]: unknown syscall 'mkdri' (not a system call on x86_64, x32, i386 or aarch64); skipped",
      "program:",
      "0000: ld [4]",
      "0001: jeq 0xc000003e true:0002 false:0008",
      "0002: ld [0]",
      "0003: jge 0x54 true:0006 false:0004",
      "0004: jge 0x53 true:0005 false:0007",
      "0005: ret 0x50001",
      "0006: jge 0x40000000 true:0008 false:0007",
      "0007: ret 0x7fff0000",
      "0008: ret 0x80000000",
    ]);
  });
});

describe("runSeccompCheck (mesos seccomp check)", () => {
  test("exit 0 and the report for a profile that loads", async () => {
    const io = capture();
    expect(await runSeccompCheck([MESOS_EXAMPLE, "--arch=aarch64", "--kernel=5.10"], io.deps)).toBe(0);
    expect(io.out[0]).toStartWith("mesos-1.8-example-profile.json: OK\n  target:          aarch64; capabilities: none; kernel 5.10");
  });

  test("exit 1 with the errors for a profile that does not", async () => {
    const io = capture();
    const code = await runSeccompCheck(["bad.json"], { ...io.deps, readFile: async () => '{"defaultAction": 5}' });
    expect(code).toBe(1);
    expect(io.out).toEqual(["bad.json: INVALID\nerrors (1):\n  defaultAction: must be a string, not a number"]);
  });

  test("exit 1 for a missing file, a bad flag or no file", async () => {
    const io = capture();
    expect(await runSeccompCheck(["/nonexistent/p.json"], io.deps)).toBe(1);
    expect(io.err[0]).toStartWith("Error: cannot read seccomp profile '/nonexistent/p.json': ");
    expect(await runSeccompCheck([MESOS_EXAMPLE, "--arch=mips"], io.deps)).toBe(1);
    expect(io.err[1]).toBe("Error: unsupported architecture 'mips'; use --arch=x86_64 or --arch=aarch64.");
    expect(await runSeccompCheck([MESOS_EXAMPLE, "--frobnicate"], io.deps)).toBe(1);
    expect(io.err[2]).toStartWith("Error: unknown flag --frobnicate.");
    expect(await runSeccompCheck([], io.deps)).toBe(1);
  });
});
