/**
 * linux/seccomp figures (issue #6):
 *  1. compile time of the Mesos 1.8 example profile (median of 50 runs);
 *  2. its BPF instruction count and worst-case path, next to a linear filter of the same rules;
 *  3. the cost of one getppid() in a process with no filter, with our binary-search filter and with
 *     a linear filter (one jeq per syscall, getppid moved to the tail: its worst case).
 * The syscall loop is a small C program built with gcc here; it reads the filter bytes from a file
 * and installs the filter itself, so the measuring process is the filtered one.
 *
 * Kernels since 5.11 keep a per-syscall bitmap of calls a filter always allows regardless of their
 * arguments, and skip running the filter for them: getppid is such a call in both filters. So (3)
 * is measured twice: as compiled (what containers get), and with one `ld [args[0]]` prepended to
 * each program, which makes the kernel's emulation give up and run the BPF on every call, exposing
 * the cost of the path itself (that is what the anchor figures measured).
 *
 *   npx bun bench/seccomp.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AUDIT_ARCH_AARCH64,
  AUDIT_ARCH_X86_64,
  compileProfile,
  encodeProgram,
  hostArch,
  loadProfile,
  runBpf,
  syscallNumber,
  type CompiledFilter,
  type Instruction,
} from "../plugins/linux-seccomp/src/index.ts";

const EXAMPLE = "/work/shared/fixtures/seccomp/mesos-1.8-example-profile.json";
const ITERATIONS = 2_000_000;
const REPEATS = 5;

const arch = hostArch();
if (!arch) throw new Error(`no seccomp filters for ${process.arch}`);
const text = readFileSync(EXAMPLE, "utf8");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// 1. Compile time.
const parseAndCompile: number[] = [];
const compileOnly: number[] = [];
const { profile } = loadProfile(text);
for (let i = 0; i < 50 + 5; i++) {
  const t0 = performance.now();
  const p = loadProfile(text).profile;
  const t1 = performance.now();
  compileProfile(p, { arch });
  const t2 = performance.now();
  if (i >= 5) (parseAndCompile.push(t2 - t0), compileOnly.push(t2 - t1)); // 5 warm-up runs
}
console.log(`compile time, Mesos example profile (${arch}), parse+compile: ${median(parseAndCompile).toFixed(2)} ms median of 50`);
console.log(`compile time, Mesos example profile (${arch}), compile only:  ${median(compileOnly).toFixed(2)} ms median of 50`);

// 2. Size and worst-case path, tree vs. linear (getppid moved to the tail of the linear one).
const tree = compileProfile(profile, { arch });
const tail = JSON.parse(text);
tail.syscalls[0].names = tail.syscalls[0].names.filter((n: string) => n !== "getppid");
tail.syscalls.push({ names: ["getppid"], action: "SCMP_ACT_ALLOW", args: [], includes: {}, excludes: {} });
const linear = compileProfile(loadProfile(JSON.stringify(tail)).profile, { arch }, { search: "linear" });
const bound = 3 * Math.log2(tree.rules) + 10;
const audit = arch === "x86_64" ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_AARCH64;
const getppid = syscallNumber(arch, "getppid")!;
const steps = (f: CompiledFilter) => runBpf(f.program, { nr: getppid, arch: audit }).steps;
console.log(`binary-search filter: ${tree.rules} rules, ${tree.instructions} instructions, worst-case path ${tree.worstCasePath} (target <= 3*log2(${tree.rules})+10 = ${bound.toFixed(1)}), getppid path ${steps(tree)}`);
console.log(`linear filter:        ${linear.rules} rules, ${linear.instructions} instructions, worst-case path ${linear.worstCasePath}, getppid path ${steps(linear)}`);

// 3. getppid cost.
const C_SOURCE = String.raw`
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
static uint64_t ticks(void) { return __rdtsc(); }
#elif defined(__aarch64__)
static uint64_t ticks(void) { uint64_t v; __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v)); return v; }
#endif
int main(int argc, char **argv) {
  long n = atol(argv[1]);
  if (argc > 2) { /* install the filter in this process, like the launch helper would */
    static unsigned char buf[8 * 4096];
    FILE *f = fopen(argv[2], "rb");
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    struct sock_fprog prog = { .len = (unsigned short)(len / 8), .filter = (struct sock_filter *)buf };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) { perror("seccomp"); return 2; }
  }
  long sink = 0;
  for (long i = 0; i < 100000; i++) sink += syscall(SYS_getppid); /* warm up */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  uint64_t c0 = ticks();
  for (long i = 0; i < n; i++) sink += syscall(SYS_getppid);
  uint64_t c1 = ticks();
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
  printf("%.2f %.1f %ld\n", ns / n, (double)(c1 - c0) / n, sink & 1);
  return 0;
}
`;

const gcc = spawnSync("gcc", ["--version"]);
if (gcc.status !== 0) {
  console.log("getppid cost: skipped (gcc is not installed)");
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "seccomp-bench-"));
try {
  writeFileSync(join(dir, "loop.c"), C_SOURCE);
  const built = spawnSync("gcc", ["-O2", "-o", join(dir, "loop"), join(dir, "loop.c")], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`gcc failed: ${built.stderr}`);

  // Defeats the kernel's constant-action bitmap: a load of an argument it cannot evaluate ahead.
  const uncached = (p: Instruction[]) => encodeProgram([{ code: 0x20, jt: 0, jf: 0, k: 16 }, ...p]);
  const configs: [string, Uint8Array | undefined][] = [
    ["no filter", undefined],
    ["binary-search filter", tree.bytes],
    ["linear filter, getppid last", linear.bytes],
    ["binary-search filter, bitmap cache defeated", uncached(tree.program)],
    ["linear filter, getppid last, bitmap cache defeated", uncached(linear.program)],
  ];
  const results = new Map<string, { ns: number[]; ticks: number[] }>(configs.map(([name]) => [name, { ns: [], ticks: [] }]));
  configs.forEach(([name, bytes], i) => bytes && writeFileSync(join(dir, `f${i}.bpf`), bytes));
  for (let rep = 0; rep < REPEATS; rep++) {
    configs.forEach(([name, bytes], i) => {
      const args = [String(ITERATIONS), ...(bytes ? [join(dir, `f${i}.bpf`)] : [])];
      const run = spawnSync(join(dir, "loop"), args, { encoding: "utf8" });
      if (run.status !== 0) throw new Error(`${name}: ${run.stderr}`);
      const [ns, tk] = run.stdout.trim().split(" ").map(Number);
      results.get(name)!.ns.push(ns!);
      results.get(name)!.ticks.push(tk!);
    });
  }
  const jit = (() => {
    try {
      return readFileSync("/proc/sys/net/core/bpf_jit_enable", "utf8").trim();
    } catch {
      return "unknown";
    }
  })();
  const base = median(results.get("no filter")!.ns);
  console.log(`getppid cost (${ITERATIONS} calls, median of ${REPEATS} processes, kernel BPF JIT ${jit === "1" ? "on" : jit}):`);
  for (const [name] of configs) {
    const r = results.get(name)!;
    const ns = median(r.ns);
    console.log(`  ${name.padEnd(52)} ${ns.toFixed(1).padStart(7)} ns/call ${median(r.ticks).toFixed(0).padStart(6)} ticks/call  ${(ns / base).toFixed(2)}x unfiltered`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
