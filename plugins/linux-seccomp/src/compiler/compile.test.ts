/**
 * The compiler against programs checked by hand. Each expected program is written out in full,
 * with the reasoning, so a change in code generation shows up here as a readable diff.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { loadProfile } from "../profile/parse-profile.ts";
import { formatIssue } from "../profile/types.ts";
import { ABIS, AUDIT_ARCH_AARCH64, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64 } from "../syscalls/abis.ts";
import { decodeProgram, disassemble } from "./bpf.ts";
import { runBpf } from "./bpf-interpreter.ts";
import { compileProfile } from "./compile.ts";
import { validateProgram } from "./program-analysis.ts";
import type { CompileTarget } from "./target.ts";

const compile = (json: object, target: CompileTarget = { arch: "x86_64" }) => compileProfile(loadProfile(JSON.stringify(json)).profile, target);
const listing = (json: object, target?: CompileTarget) => disassemble(compile(json, target).program).split("\n");

describe("hand-checked programs", () => {
  test("one rule: mkdir -> EPERM, everything else allowed (x86_64)", () => {
    // Ranges of nr: [0,83) ALLOW, [83,84) ERRNO, [84,0x40000000) ALLOW, [0x40000000,2^32) KILL (x32, not listed).
    // Four equal-cost leaves: a two-level tree split at 84, then at 83 and 0x40000000.
    const c = compile({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mkdir"], action: "SCMP_ACT_ERRNO" }] });
    expect(c.program).toEqual([
      { code: 0x20, jt: 0, jf: 0, k: 4 }, //          ld [arch]
      { code: 0x15, jt: 0, jf: 6, k: 0xc000003e }, // jeq AUDIT_ARCH_X86_64, else -> 8 (kill)
      { code: 0x20, jt: 0, jf: 0, k: 0 }, //          ld [nr]
      { code: 0x35, jt: 2, jf: 0, k: 84 }, //         jge 84 -> 6
      { code: 0x35, jt: 0, jf: 2, k: 83 }, //         jge 83 -> 5 (mkdir), else -> 7
      { code: 0x06, jt: 0, jf: 0, k: 0x00050001 }, // ret ERRNO(EPERM)
      { code: 0x35, jt: 1, jf: 0, k: 0x40000000 }, // jge 0x40000000 -> 8 (x32 number), else -> 7
      { code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 }, // ret ALLOW
      { code: 0x06, jt: 0, jf: 0, k: 0x80000000 }, // ret KILL_PROCESS
    ]);
    expect(c.worstCasePath).toBe(6);
    expect(c.rules).toBe(1);
    expect(decodeProgram(c.bytes)).toEqual(c.program);
    // struct sock_filter, little-endian: code u16, jt u8, jf u8, k u32.
    expect([...c.bytes.subarray(8, 16)]).toEqual([0x15, 0x00, 0x00, 0x06, 0x3e, 0x00, 0x00, 0xc0]);
  });

  test("x32 listed: its numbers get their own table above 0x40000000", () => {
    const json = {
      defaultAction: "SCMP_ACT_ERRNO",
      archMap: [{ architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X32"] }],
      syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW" }],
    };
    // read is 0 natively and 0x40000000 on x32: ranges [0,1) A, [1,0x40000000) E, [0x40000000,+1) A, rest E.
    expect(listing(json)).toEqual([
      "0000: ld [4]",
      "0001: jeq 0xc000003e true:0003 false:0002",
      "0002: ret 0x80000000",
      "0003: ld [0]",
      "0004: jge 0x40000000 true:0006 false:0005",
      "0005: jge 0x1 true:0008 false:0007",
      "0006: jge 0x40000001 true:0008 false:0007",
      "0007: ret 0x7fff0000",
      "0008: ret 0x50001",
    ]);
  });

  test("a 64-bit GT on aarch64 compares the high word, then the low word on a tie", () => {
    const json = {
      defaultAction: "SCMP_ACT_KILL",
      syscalls: [{ names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 4294967296, op: "SCMP_CMP_GT" }] }],
    };
    // personality = 92 on aarch64; a0 > 0x1_00000000 <=> hi > 1 || (hi == 1 && lo > 0). KILL is KILL_THREAD (0).
    expect(listing(json, { arch: "aarch64" })).toEqual([
      "0000: ld [4]",
      "0001: jeq 0xc00000b7 true:0003 false:0002",
      "0002: ret 0x80000000",
      "0003: ld [0]",
      "0004: jge 0x5d true:0012 false:0005",
      "0005: jge 0x5c true:0006 false:0012",
      "0006: ld [20]",
      "0007: jgt 0x1 true:0011 false:0008",
      "0008: jeq 0x1 true:0009 false:0012",
      "0009: ld [16]",
      "0010: jgt 0x0 true:0011 false:0012",
      "0011: ret 0x7fff0000",
      "0012: ret 0x0",
    ]);
  });

  test("MASKED_EQ with a zero datum is a jset; a zero high mask word needs no test", () => {
    const json = {
      defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [
        { names: ["clone"], action: "SCMP_ACT_ERRNO", errnoRet: 38, args: [{ index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
      ],
    };
    // clone = 220 on aarch64: ERRNO(ENOSYS) when no CLONE_NEW* flag (mask 0x7e020000) is set.
    expect(listing(json, { arch: "aarch64" })).toEqual([
      "0000: ld [4]",
      "0001: jeq 0xc00000b7 true:0003 false:0002",
      "0002: ret 0x80000000",
      "0003: ld [0]",
      "0004: jge 0xdd true:0009 false:0005",
      "0005: jge 0xdc true:0006 false:0009",
      "0006: ld [16]",
      "0007: jset 0x7e020000 true:0009 false:0008",
      "0008: ret 0x50026",
      "0009: ret 0x7fff0000",
    ]);
  });

  test("consecutive equality rules on one argument become one membership test (Docker's personality)", () => {
    const values = [0, 8, 131072, 131080, 4294967295];
    const json = {
      defaultAction: "SCMP_ACT_ERRNO",
      syscalls: values.map((value) => ({ names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value, op: "SCMP_CMP_EQ" }] })),
    };
    const lines = listing(json, { arch: "aarch64" });
    expect(lines.slice(6)).toEqual([
      "0006: ld [20]",
      "0007: jeq 0x0 true:0008 false:0015",
      "0008: ld [16]",
      "0009: jeq 0x0 true:0014 false:0010",
      "0010: jeq 0x8 true:0014 false:0011",
      "0011: jeq 0x20000 true:0014 false:0012",
      "0012: jeq 0x20008 true:0014 false:0013",
      "0013: jeq 0xffffffff true:0014 false:0015",
      "0014: ret 0x7fff0000",
      "0015: ret 0x50001",
    ]);
  });

  test("i386 listed: a second arch section that compares only the low argument words", () => {
    const json = {
      defaultAction: "SCMP_ACT_ALLOW",
      archMap: [{ architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86"] }],
      syscalls: [{ names: ["personality"], action: "SCMP_ACT_ERRNO", args: [{ index: 0, value: 4294967296, op: "SCMP_CMP_EQ" }] }],
    };
    const c = compile(json);
    const run = (arch: number, nr: number, a0: bigint) => runBpf(c.program, { nr, arch, args: [a0] }).value;
    expect(run(AUDIT_ARCH_X86_64, 135, 1n << 32n)).toBe(0x50001); // native: full 64-bit compare
    expect(run(AUDIT_ARCH_X86_64, 135, 0n)).toBe(0x7fff0000);
    expect(run(AUDIT_ARCH_I386, 136, 0n)).toBe(0x50001); // i386: 2^32 truncates to 0
    expect(run(AUDIT_ARCH_I386, 136, 1n)).toBe(0x7fff0000);
    expect(run(AUDIT_ARCH_AARCH64, 135, 0n)).toBe(0x80000000); // not in the filter: killed
    expect(run(AUDIT_ARCH_X86_64, 0x40000000, 0n)).toBe(0x80000000); // x32 not listed: killed
  });
});

describe("rule combination", () => {
  const target: CompileTarget = { arch: "x86_64" };
  const verdict = (json: object, nr: number, args: bigint[] = []) =>
    runBpf(compile(json, target).program, { nr, arch: AUDIT_ARCH_X86_64, args }).value;

  test("first matching rule wins; when every conditional rule fails, the default applies", () => {
    const json = {
      defaultAction: "SCMP_ACT_ERRNO",
      syscalls: [
        { names: ["ioctl"], action: "SCMP_ACT_LOG", args: [{ index: 1, value: 0x5401, op: "SCMP_CMP_EQ" }] },
        { names: ["ioctl"], action: "SCMP_ACT_ALLOW", args: [{ index: 1, value: 0x5400, op: "SCMP_CMP_GE" }] },
      ],
    };
    expect(verdict(json, 16, [0n, 0x5401n])).toBe(0x7ffc0000); // both match: the first (LOG)
    expect(verdict(json, 16, [0n, 0x5402n])).toBe(0x7fff0000);
    expect(verdict(json, 16, [0n, 0x53ffn])).toBe(0x50001);
  });

  test("an unconditional rule ends the chain; rules after it are dead and emit no code", () => {
    const base = { defaultAction: "SCMP_ACT_ERRNO", syscalls: [{ names: ["ioctl"], action: "SCMP_ACT_ALLOW" }] };
    const dead = {
      ...base,
      syscalls: [...base.syscalls, { names: ["ioctl"], action: "SCMP_ACT_TRAP", args: [{ index: 0, value: 1, op: "SCMP_CMP_EQ" }] }],
    };
    expect(compile(dead, target).program).toEqual(compile(base, target).program);
  });

  test("capabilities, arches and kernel versions select rules at compile time", () => {
    const json = {
      defaultAction: "SCMP_ACT_ERRNO",
      syscalls: [
        { names: ["mount"], action: "SCMP_ACT_ALLOW", includes: { caps: ["CAP_SYS_ADMIN"] } },
        { names: ["ptrace"], action: "SCMP_ACT_ALLOW", includes: { minKernel: "4.8" } },
        { names: ["arch_prctl"], action: "SCMP_ACT_ALLOW", excludes: { arches: ["amd64"] } },
      ],
    };
    const v = (t: CompileTarget, nr: number) =>
      runBpf(compileProfile(loadProfile(JSON.stringify(json)).profile, t).program, { nr, arch: AUDIT_ARCH_X86_64 }).value;
    expect(v({ arch: "x86_64" }, 165)).toBe(0x50001);
    expect(v({ arch: "x86_64", capabilities: ["sys_admin"] }, 165)).toBe(0x7fff0000);
    expect(v({ arch: "x86_64", kernel: [4, 4] }, 101)).toBe(0x50001);
    expect(v({ arch: "x86_64", kernel: [4, 8] }, 101)).toBe(0x7fff0000);
    expect(v({ arch: "x86_64" }, 158)).toBe(0x50001);
  });

  test("unknown syscall names are skipped with warnings, by the documented rule", () => {
    const c = compileProfile(
      loadProfile(JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["mkdri", "open", "chown32"], action: "SCMP_ACT_ERRNO" }] }))
        .profile,
      { arch: "aarch64" },
    );
    expect(c.warnings.map(formatIssue)).toEqual([
      "syscalls: 2 syscall names do not exist on aarch64 and were skipped: open, chown32",
      "syscalls[0].names[0]: unknown syscall 'mkdri' (not a system call on x86_64, x32, i386 or aarch64); skipped",
    ]);
    expect(c.rules).toBe(0);
  });
});

describe("the newer Docker fixture, compiled", () => {
  const text = readFileSync(new URL("../../test-fixtures/docker-newer-profile.json", import.meta.url), "utf8");
  const { profile } = loadProfile(text);
  const nr = (name: string) => ({ x86_64: ABIS.x86_64.table[name]!, aarch64: ABIS.aarch64.table[name]! });
  for (const arch of ["x86_64", "aarch64"] as const) {
    test(`${arch}: errnoRet, LOG, KILL_PROCESS, KILL_THREAD and argument rules take effect`, () => {
      const c = compileProfile(profile, { arch });
      const audit = arch === "x86_64" ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_AARCH64;
      const v = (name: string, args: bigint[] = []) => runBpf(c.program, { nr: nr(name)[arch], arch: audit, args }).value;
      expect(v("clone3")).toBe(0x50026); // ERRNO(ENOSYS): glibc falls back to clone
      expect(v("kexec_load")).toBe(0x80000000);
      expect(v("acct")).toBe(0);
      expect(v("syslog")).toBe(0x7ffc0000);
      expect(v("mmap", [0n, 4096n, 7n])).toBe(0x7ffc0000); // PROT_READ|WRITE|EXEC: logged
      expect(v("mmap", [0n, 4096n, 3n])).toBe(0x7fff0000);
      expect(v("socket", [40n])).toBe(0x50001); // AF_VSOCK: defaultErrnoRet
      expect(v("socket", [2n])).toBe(0x7fff0000);
      expect(v("personality", [0xffffffffn])).toBe(0x7fff0000);
      expect(v("personality", [0x1_ffffffffn])).toBe(0x50001);
      expect(v("reboot")).toBe(0x50001); // needs CAP_SYS_BOOT
      expect(c.worstCasePath).toBeLessThanOrEqual(3 * Math.log2(c.rules) + 10);
    });
  }
});

describe("long programs", () => {
  test("a linear filter of 850 syscalls is valid and agrees with the tree", () => {
    const profile = loadProfile(
      readFileSync(new URL("../../test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname, "utf8"),
    ).profile;
    const linear = compileProfile(profile, { arch: "x86_64" }, { search: "linear" });
    expect(linear.instructions).toBeGreaterThan(512); // far beyond one 8-bit jump
    expect(validateProgram(linear.program)).toEqual([]);
    const tree = compileProfile(profile, { arch: "x86_64" });
    for (let nr = 0; nr < 600; nr++) {
      for (const arch of [AUDIT_ARCH_X86_64, AUDIT_ARCH_I386]) {
        expect(runBpf(linear.program, { nr, arch }).value).toBe(runBpf(tree.program, { nr, arch }).value);
      }
    }
  });
});
