/**
 * linux/seccomp figures (issue #6):
 *  1. compile time of the Mesos 1.8 example profile (median of 50 runs), and what the isolator's
 *     cache makes of it for later launches;
 *  2. its BPF instruction count and worst-case path, next to a linear filter of the same rules;
 *  3. the cost of one getppid() in a process with no filter, with our binary-search filter and with
 *     a linear filter (one jeq per syscall, getppid moved to the tail: its worst case);
 *  4. the same in a container (as root): the loop is the task of a standalone container on an agent
 *     with --isolation=linux/seccomp (the launch helper installs the filter right before execve):
 *     unconfined, the example profile through the isolator, and the linear filter (given by a
 *     bench-only isolator, since linux/seccomp only compiles binary searches).
 * The syscall loop is a small C program built with gcc here; for (3) it reads the filter bytes from
 * a file and installs the filter itself, so the measuring process is the filtered one.
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
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { parseFlags, silentLogger } from "@mesos/core";
import { agentFlagSpecs, startAgent, type IsolatorFactory } from "@mesos/agent";
import { agent as api } from "@mesos/proto";
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
} from "@mesos/plugin-linux-seccomp";
import { createFilterCache } from "@mesos/plugin-linux-seccomp/isolator";

const EXAMPLE = new URL("../plugins/linux-seccomp/test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname;
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
  if (i >= 5) parseAndCompile.push(t2 - t0), compileOnly.push(t2 - t1); // 5 warm-up runs
}
console.log(`compile time, Mesos example profile (${arch}), parse+compile: ${median(parseAndCompile).toFixed(2)} ms median of 50`);
console.log(`compile time, Mesos example profile (${arch}), compile only:  ${median(compileOnly).toFixed(2)} ms median of 50`);

// The agent's cache (linux/seccomp): a launch naming a profile it compiled before pays a read and a hash.
const cache = createFilterCache();
const missStart = performance.now();
cache.compile("mesos-example.json", text, { arch });
const miss = performance.now() - missStart;
const hits: number[] = [];
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  cache.compile("mesos-example.json", readFileSync(EXAMPLE, "utf8"), { arch });
  hits.push(performance.now() - t0);
}
console.log(
  `linux/seccomp filter cache: first launch ${miss.toFixed(2)} ms (parse+compile); later launches ${median(hits).toFixed(3)} ms median (read + SHA-256 + lookup)`,
);

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
console.log(
  `binary-search filter: ${tree.rules} rules, ${tree.instructions} instructions, worst-case path ${tree.worstCasePath} (target <= 3*log2(${tree.rules})+10 = ${bound.toFixed(1)}), getppid path ${steps(tree)}`,
);
console.log(
  `linear filter:        ${linear.rules} rules, ${linear.instructions} instructions, worst-case path ${linear.worstCasePath}, getppid path ${steps(linear)}`,
);

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
  configs.forEach(([_name, bytes], i) => bytes && writeFileSync(join(dir, `f${i}.bpf`), bytes));
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
  console.log(`getppid cost (${ITERATIONS} calls, median of ${REPEATS} processes, kernel BPF JIT ${jit === "1" ? "on" : jit}):`);
  printCosts(
    configs.map(([name]) => name),
    results,
  );

  if (process.getuid?.() !== 0) console.log("getppid cost in a container: skipped (needs root)");
  else
    await inContainers(join(dir, "loop"), {
      linear: linear.bytes,
      "tree-defeated": uncached(tree.program),
      "linear-defeated": uncached(linear.program),
    });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function printCosts(names: string[], results: Map<string, { ns: number[]; ticks: number[] }>): void {
  const base = median(results.get(names[0]!)!.ns);
  for (const name of names) {
    const r = results.get(name)!;
    const ns = median(r.ns);
    console.log(
      `  ${name.padEnd(58)} ${ns.toFixed(1).padStart(7)} ns/call ${median(r.ticks).toFixed(0).padStart(6)} ticks/call  ${(ns / base).toFixed(2)}x unfiltered`,
    );
  }
}

/** (4): the loop as the task of standalone containers on a real agent (no master needed). */
async function inContainers(loop: string, benchFilters: Record<string, Uint8Array>): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "seccomp-bench-agent-"));
  const profiles = join(scratch, "profiles");
  mkdirSync(profiles);
  copyFileSync(EXAMPLE, join(profiles, "mesos-example.json"));
  // A bench-only isolator for filters linux/seccomp does not make: chosen by the task's BENCH_FILTER.
  const benchIsolator: IsolatorFactory = () => ({
    name: "bench/filter",
    prepare: async (config) => {
      const name = config.commandInfo?.environment?.variables.find((v) => v.name === "BENCH_FILTER")?.value;
      return name ? { seccompFilter: benchFilters[name] } : undefined;
    },
  });
  const flags = parseFlags(
    agentFlagSpecs,
    [
      "--master=127.0.0.1:1",
      `--work_dir=${join(scratch, "agent")}`,
      "--port=0",
      "--resources=cpus:8;mem:8192;disk:1000",
      "--launcher=linux",
      "--isolation=linux/seccomp,bench/filter",
      `--seccomp_config_dir=${profiles}`,
    ],
    {},
  );
  const agent = await startAgent({
    flags: flags.values,
    effectiveFlags: flags.effective,
    log: silentLogger,
    launchHelperCommand: [process.execPath, resolve(import.meta.dir, "../apps/mesos/src/main.ts")],
    isolators: { "bench/filter": benchIsolator },
  });
  const client = createClient(api.Agent, createConnectTransport({ baseUrl: agent.url, httpVersion: "1.1" }));
  const configs: [string, { profileName?: string; unconfined?: boolean }, string | undefined][] = [
    ["no filter (unconfined)", { unconfined: true }, undefined],
    ["binary-search filter (linux/seccomp, example profile)", { profileName: "mesos-example.json" }, undefined],
    ["linear filter, getppid last", { unconfined: true }, "linear"],
    ["binary-search filter, bitmap cache defeated", { unconfined: true }, "tree-defeated"],
    ["linear filter, getppid last, bitmap cache defeated", { unconfined: true }, "linear-defeated"],
  ];
  const results = new Map(configs.map(([name]) => [name, { ns: [] as number[], ticks: [] as number[] }]));
  let serial = 0;
  try {
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const [name, seccomp, benchFilter] of configs) {
        const containerId = { value: `seccomp-bench-${serial++}` };
        await client.call(
          create(api.CallSchema, {
            type: api.Call_Type.LAUNCH_CONTAINER,
            launchContainer: {
              containerId,
              command: {
                value: loop,
                arguments: [loop, String(ITERATIONS)],
                shell: false,
                environment: { variables: benchFilter ? [{ name: "BENCH_FILTER", value: benchFilter }] : [] },
              },
              container: { type: 2, linuxInfo: { seccomp } },
              resources: [
                { name: "cpus", type: 0, scalar: { value: 1 } },
                { name: "mem", type: 0, scalar: { value: 64 } },
              ],
            },
          }),
        );
        const wait = await client.call(create(api.CallSchema, { type: api.Call_Type.WAIT_CONTAINER, waitContainer: { containerId } }));
        const stdout = readFileSync(join(agent.ctx.workDir, "containers", containerId.value, "stdout"), "utf8");
        if (wait.waitContainer?.exitStatus !== 0) throw new Error(`${name}: the container ended with ${wait.waitContainer?.exitStatus}: ${stdout}`);
        await client.call(create(api.CallSchema, { type: api.Call_Type.REMOVE_CONTAINER, removeContainer: { containerId } }));
        const [ns, tk] = stdout.trim().split(" ").map(Number);
        results.get(name)!.ns.push(ns!);
        results.get(name)!.ticks.push(tk!);
      }
    }
    console.log(`getppid cost in a container (the task of a standalone container, --isolation=linux/seccomp, launcher linux; median of ${REPEATS}):`);
    printCosts(
      configs.map(([name]) => name),
      results,
    );
  } finally {
    await agent.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
