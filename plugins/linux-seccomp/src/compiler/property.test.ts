/**
 * Property: for random profiles, the compiled program's verdict equals the direct evaluation of
 * the profile (evaluate-profile.ts), for every syscall number of every table plus unknown numbers,
 * native, sub- and foreign architectures, and arguments at the edges of 32/64-bit arithmetic and
 * at, just below and just above each rule's own values. Seeded, so a failure replays exactly.
 */
import { describe, expect, test } from "bun:test";
import { parseProfile } from "../profile/parse-profile.ts";
import type { Profile } from "../profile/types.ts";
import { seededRandom } from "@mesos/core";
import { ABIS, AUDIT_ARCH_AARCH64, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64 } from "../syscalls/abis.ts";
import { runBpf } from "./bpf-interpreter.ts";
import { compileProfile } from "./compile.ts";
import { profileEvaluator } from "./evaluate-profile.ts";
import { validateProgram } from "./program-analysis.ts";
import type { CompileTarget } from "./target.ts";

/** Helpers over core's seeded PRNG to draw test cases. */
function prng(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  const u32 = () => BigInt(int(2 ** 32));
  return { next, int, pick, u32, u64: () => (u32() << 32n) | u32() };
}
type Rng = ReturnType<typeof prng>;

const U64_MAX = (1n << 64n) - 1n;
const EDGES = [0n, 1n, 0xffffffffn, 1n << 32n, (1n << 32n) + 1n, 1n << 63n, U64_MAX, 0x7fffffffn, 0x80000000n];
const ACTIONS = [
  "SCMP_ACT_ALLOW",
  "SCMP_ACT_ERRNO",
  "SCMP_ACT_KILL",
  "SCMP_ACT_KILL_PROCESS",
  "SCMP_ACT_KILL_THREAD",
  "SCMP_ACT_TRAP",
  "SCMP_ACT_TRACE",
  "SCMP_ACT_LOG",
];
const OPS = ["SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"];
const CAPS = ["CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_PTRACE"];
const NAMES = [...new Set([...Object.keys(ABIS.x86_64.table), ...Object.keys(ABIS.aarch64.table), ...Object.keys(ABIS.i386.table)])];

function randomValue(r: Rng): bigint {
  const x = r.next();
  return x < 0.4 ? r.pick(EDGES) : x < 0.6 ? BigInt(r.int(16)) : x < 0.8 ? r.u32() : r.u64();
}

/** A random profile as JSON text (so the parser is in the loop too) with bigints written exactly. */
function randomProfile(r: Rng, hot: string[]): string {
  const action = (withData: boolean) => {
    const a: Record<string, unknown> = { action: r.pick(ACTIONS) };
    if (withData && r.next() < 0.3 && (a.action === "SCMP_ACT_ERRNO" || a.action === "SCMP_ACT_TRACE")) a.errnoRet = r.int(200);
    return a;
  };
  const filter = () => {
    const f: Record<string, unknown> = {};
    if (r.next() < 0.15) f.caps = [r.pick(CAPS)];
    if (r.next() < 0.1) f.arches = [r.pick(["amd64", "arm64", "x32", "s390x"])];
    if (r.next() < 0.1) f.minKernel = r.pick(["4.8", "5.10", "6.2"]);
    return f;
  };
  const rules: object[] = Array.from({ length: 1 + r.int(14) }, () => {
    const names = Array.from({ length: 1 + r.int(r.next() < 0.2 ? 60 : 4) }, () => (r.next() < 0.6 ? r.pick(hot) : r.pick(NAMES)));
    const args =
      r.next() < 0.5
        ? []
        : Array.from({ length: 1 + r.int(3) }, () => {
            const value = randomValue(r);
            const valueTwo = r.next() < 0.5 ? value & randomValue(r) : randomValue(r);
            return { index: r.int(6), value, valueTwo, op: r.pick(OPS) };
          });
    return { names, ...action(true), args, includes: filter(), excludes: filter() };
  });
  if (r.next() < 0.3) {
    // A run of equality rules on one argument (Docker's personality pattern), merged by the compiler.
    const names = [r.pick(hot)];
    const act = action(true);
    const index = r.int(6);
    const group = Array.from({ length: 2 + r.int(4) }, () => ({
      names,
      ...act,
      args: [{ index, value: randomValue(r), op: "SCMP_CMP_EQ" }],
    }));
    rules.splice(r.int(rules.length + 1), 0, ...group);
  }
  const subs = [["SCMP_ARCH_X32"], ["SCMP_ARCH_X86"], ["SCMP_ARCH_X86", "SCMP_ARCH_X32"], []][r.int(4)]!;
  const def = action(false);
  const json = {
    defaultAction: def.action,
    ...(r.next() < 0.3 ? { defaultErrnoRet: r.int(100) } : {}),
    archMap: [
      { architecture: "SCMP_ARCH_X86_64", subArchitectures: subs },
      { architecture: "SCMP_ARCH_AARCH64", subArchitectures: ["SCMP_ARCH_ARM"] },
    ],
    syscalls: rules,
  };
  return JSON.stringify(json, (_k, v) => (typeof v === "bigint" ? `@@${v}@@` : v)).replace(/"@@(\d+)@@"/g, "$1");
}

/** Argument vectors for a syscall: edges, plus each rule value and its neighbours in each slot. */
function argVectors(r: Rng, profile: Profile, names: readonly string[]): bigint[][] {
  const values = new Set<bigint>(EDGES);
  for (const rule of profile.syscalls) {
    if (!rule.names.some((n) => names.includes(n))) continue;
    for (const c of rule.args) {
      for (const v of [c.value, c.valueTwo, c.value - 1n, c.value + 1n, c.value ^ (1n << 32n), c.valueTwo | ~c.value]) values.add(v & U64_MAX);
    }
  }
  const pool = [...values];
  const vectors = pool.map((v) => Array<bigint>(6).fill(v));
  for (let i = 0; i < 16; i++) vectors.push(Array.from({ length: 6 }, () => r.pick(pool)));
  return vectors;
}

function check(profile: Profile, target: CompileTarget, search: "binary" | "linear", r: Rng): number {
  const filter = compileProfile(profile, target, { search });
  const evaluate = profileEvaluator(profile, target);
  expect(validateProgram(filter.program)).toEqual([]);
  const named = new Set(profile.syscalls.flatMap((s) => s.names));
  const cases: [number, number, readonly string[]][] = []; // arch, nr, names
  const add = (arch: number, abi: keyof typeof ABIS) => {
    for (const [name, nr] of Object.entries(ABIS[abi].table)) cases.push([arch, nr, [name]]);
  };
  if (target.arch === "x86_64") {
    add(AUDIT_ARCH_X86_64, "x86_64");
    add(AUDIT_ARCH_X86_64, "x32");
    add(AUDIT_ARCH_I386, "i386");
    add(AUDIT_ARCH_AARCH64, "aarch64"); // foreign here
  } else {
    add(AUDIT_ARCH_AARCH64, "aarch64");
    add(AUDIT_ARCH_X86_64, "x86_64"); // foreign here
  }
  for (const arch of [AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0x40000028, 0]) {
    for (const nr of [1000, 4095, 0x3fffffff, 0x40000000 + 1000, 0x7fffffff, 0x80000000, 0xffffffff]) cases.push([arch, nr, []]);
  }
  let checked = 0;
  for (const [arch, nr, names] of cases) {
    const vectors = names.some((n) => named.has(n)) ? argVectors(r, profile, names) : [[r.u64(), 0n, 0n, 0n, 0n, r.u64()]];
    for (const args of vectors) {
      const data = { nr, arch, args };
      const got = runBpf(filter.program, data).value;
      const want = evaluate(data);
      if (got !== want) {
        throw new Error(
          `verdict 0x${got.toString(16)} != 0x${want.toString(16)} for nr=${nr} arch=0x${arch.toString(16)} args=${args.join(",")} (${search}, ${target.arch})`,
        );
      }
      checked++;
    }
  }
  return checked;
}

describe("compiled programs agree with the profile's direct evaluation", () => {
  const PROFILES = 300;
  test(`${PROFILES} random profiles, both architectures, binary and linear search`, () => {
    const r = prng(0x5eccc0de);
    const hot = ["personality", "clone", "ioctl", "socket", "mmap", "read", "openat", "mkdir", "chown32", "uname"];
    let checked = 0;
    for (let i = 0; i < PROFILES; i++) {
      const text = randomProfile(r, hot);
      const parsed = parseProfile(text);
      if (!parsed.ok) throw new Error(`generated an invalid profile: ${JSON.stringify(parsed.errors)}\n${text}`);
      const target: CompileTarget = {
        arch: i % 3 === 2 ? "aarch64" : "x86_64",
        capabilities: CAPS.filter(() => r.next() < 0.4),
        kernel:
          r.next() < 0.3
            ? undefined
            : r.pick([
                [4, 4],
                [5, 10],
                [6, 18],
              ] as [number, number][]),
      };
      checked += check(parsed.profile, target, i % 10 === 9 ? "linear" : "binary", r);
    }
    expect(checked).toBeGreaterThan(300_000);
    console.log(`property: ${PROFILES} profiles, ${checked} verdicts compared`);
  });
});
