/**
 * `mesos seccomp check PROFILE.json`: does a profile load, and what filter does it make?
 * Prints the instruction count and the worst-case path (the most BPF instructions one syscall can
 * run through), or every error with its JSON path. Exit code 0 when the profile loads (warnings
 * allowed), 1 otherwise. The CLI verb only forwards its arguments to `runSeccompCheck`.
 */
import { readFile } from "node:fs/promises";
import { release } from "node:os";
import { basename } from "node:path";
import { type Instruction, disassemble } from "./compiler/bpf.ts";
import { SeccompCompileError, compileProfile } from "./compiler/compile.ts";
import type { CompileTarget } from "./compiler/target.ts";
import { hostArch } from "./profile/arches.ts";
import { parseProfile } from "./profile/parse-profile.ts";
import { formatIssue } from "./profile/types.ts";
import type { NativeArch } from "./syscalls/abis.ts";

export interface CheckReport {
  ok: boolean;
  source: string;
  target: { arch: NativeArch; abis: string[]; capabilities: string[]; kernel?: readonly [number, number] };
  errors: string[];
  warnings: string[];
  instructions: number;
  worstCasePath: number;
  /** (rule, syscall) pairs on the native ABI. */
  rules: number;
  /** The issue's target for the worst-case path: 3 * log2(rules) + 10. */
  pathBound: number;
  program: Instruction[];
}

export function checkProfile(jsonText: string, target: CompileTarget, source = "profile"): CheckReport {
  const report: CheckReport = {
    ok: false,
    source,
    target: { arch: target.arch, abis: [], capabilities: [...(target.capabilities ?? [])], kernel: target.kernel },
    errors: [],
    warnings: [],
    instructions: 0,
    worstCasePath: 0,
    rules: 0,
    pathBound: 0,
    program: [],
  };
  const parsed = parseProfile(jsonText);
  report.warnings.push(...parsed.warnings.map(formatIssue));
  if (!parsed.ok) {
    report.errors.push(...parsed.errors.map(formatIssue));
    return report;
  }
  try {
    const filter = compileProfile(parsed.profile, target);
    report.warnings.push(...filter.warnings.map(formatIssue));
    Object.assign(report, {
      ok: true,
      instructions: filter.instructions,
      worstCasePath: filter.worstCasePath,
      rules: filter.rules,
      pathBound: 3 * Math.log2(Math.max(filter.rules, 1)) + 10,
      program: filter.program,
    });
    report.target.abis = filter.abis;
  } catch (e) {
    if (!(e instanceof SeccompCompileError)) throw e;
    report.errors.push(...e.issues.map(formatIssue));
  }
  return report;
}

export function formatCheckReport(r: CheckReport, options: { dump?: boolean } = {}): string {
  const lines = [`${r.source}: ${r.ok ? "OK" : "INVALID"}`];
  if (r.ok) {
    const subs = r.target.abis.filter((a) => a !== r.target.arch);
    const caps = r.target.capabilities.length > 0 ? r.target.capabilities.join(",") : "none";
    const kernel = r.target.kernel ? `kernel ${r.target.kernel.join(".")}` : "kernel unknown";
    lines.push(
      `  target:          ${r.target.arch}${subs.length ? ` (+${subs.join(", ")})` : ""}; capabilities: ${caps}; ${kernel}`,
      `  rules:           ${r.rules} (rule, syscall) pairs on ${r.target.arch}`,
      `  instructions:    ${r.instructions}`,
      `  worst-case path: ${r.worstCasePath} instructions (target <= 3*log2(rules)+10 = ${r.pathBound.toFixed(1)})`,
    );
  }
  if (r.errors.length > 0) lines.push(`errors (${r.errors.length}):`, ...r.errors.map((e) => `  ${e}`));
  if (r.warnings.length > 0) lines.push(`warnings (${r.warnings.length}):`, ...r.warnings.map((w) => `  ${w}`));
  if (options.dump && r.ok) lines.push("program:", disassemble(r.program));
  return lines.join("\n");
}

export interface CheckDeps {
  readFile(path: string): Promise<string>;
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `Usage: mesos seccomp check PROFILE.json [--arch=x86_64|aarch64] [--capabilities=CAP_A,CAP_B] [--kernel=MAJOR.MINOR] [--dump]
  --arch          the architecture to compile for (default: this host's)
  --capabilities  the container's capabilities, for the profile's includes/excludes.caps (default: none)
  --kernel        the kernel version, for minKernel (default: this host's)
  --dump          also print the BPF program`;

/** Runs the check verb; returns the exit code (0: the profile loads). */
export async function runSeccompCheck(argv: string[], deps: Partial<CheckDeps> = {}): Promise<number> {
  const io: CheckDeps = {
    readFile: (p) => readFile(p, "utf8"),
    out: (t) => console.log(t),
    err: (t) => console.error(t),
    ...deps,
  };
  const files: string[] = [];
  const flags = new Map<string, string>();
  for (const arg of argv) {
    if (arg === "--help" || arg === "-h") return (io.out(USAGE), 0);
    const m = /^--([a-z_-]+)(?:=(.*))?$/.exec(arg);
    if (m) flags.set(m[1]!.replace(/-/g, "_"), m[2] ?? "true");
    else files.push(arg);
  }
  const unknown = [...flags.keys()].filter((f) => !["arch", "capabilities", "kernel", "dump"].includes(f));
  if (files.length !== 1 || unknown.length > 0) {
    io.err(unknown.length > 0 ? `Error: unknown flag --${unknown[0]}.\n${USAGE}` : USAGE);
    return 1;
  }
  const arch = (flags.get("arch") ?? hostArch()) as NativeArch | undefined;
  if (arch !== "x86_64" && arch !== "aarch64") {
    io.err(`Error: unsupported architecture '${arch ?? process.arch}'; use --arch=x86_64 or --arch=aarch64.`);
    return 1;
  }
  const kernelText = flags.get("kernel") ?? release();
  const km = /^(\d+)\.(\d+)/.exec(kernelText);
  if (!km) {
    io.err(`Error: --kernel must look like 5.10, not '${kernelText}'.`);
    return 1;
  }
  const capabilities = (flags.get("capabilities") ?? "").split(",").filter((c) => c.trim() !== "");
  const file = files[0]!;
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (e) {
    io.err(`Error: cannot read seccomp profile '${file}': ${(e as Error).message}.`);
    return 1;
  }
  const report = checkProfile(text, { arch, capabilities, kernel: [Number(km[1]), Number(km[2])] }, basename(file));
  io.out(formatCheckReport(report, { dump: flags.has("dump") }));
  return report.ok ? 0 : 1;
}
