/**
 * Reads a seccomp profile in Docker's JSON format. Mesos 1.8 requires `defaultAction`, `archMap`
 * and `syscalls`, and rejects the newer Docker fields; we accept both generations:
 * - `archMap` (objects with `architecture` + `subArchitectures`) or the flat `architectures` list;
 * - `defaultErrnoRet`, per-rule `errnoRet`, SCMP_ACT_LOG / KILL_PROCESS / KILL_THREAD;
 * - `flags` (SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW), passed on to the installer.
 * The result lists every error (with its JSON path) rather than stopping at the first.
 */
import { SCMP_ARCHES } from "./arches.ts";
import { IssueSink, at, member, readArray, readObject, readString, readStringArray, warnUnknownKeys } from "./fields.ts";
import { type JsonObject, type JsonValue, JsonSyntaxError, parseJson } from "./json-source.ts";
import { parseAction, parseRule } from "./parse-rule.ts";
import type { ArchMapEntry, Profile, ProfileIssue, SyscallRule } from "./types.ts";
import { formatIssue } from "./types.ts";

const PROFILE_KEYS = ["defaultAction", "defaultErrnoRet", "archMap", "architectures", "syscalls", "flags", "listenerPath", "listenerMetadata"];

export const SECCOMP_FILTER_FLAG_LOG = 2;
export const SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4;
const PROFILE_FLAGS: Record<string, number> = {
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW,
};

export type ParseResult =
  | { ok: true; profile: Profile; errors: []; warnings: ProfileIssue[] }
  | { ok: false; errors: ProfileIssue[]; warnings: ProfileIssue[] };

export function parseProfile(text: string): ParseResult {
  const sink = new IssueSink();
  let root;
  try {
    const parsed = parseJson(text);
    root = parsed.value;
    for (const key of parsed.duplicateKeys) sink.warn(key, "duplicate key (the last one wins)");
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { ok: false, errors: [{ path: "", message: `not valid JSON: ${e.message}` }], warnings: [] };
  }
  const obj = readObject(root, "", sink);
  if (!obj) return { ok: false, errors: [{ path: "", message: "the profile must be a JSON object" }], warnings: [] };
  warnUnknownKeys(obj, PROFILE_KEYS, "", sink);

  const defaultAction = parseAction(obj, "defaultAction", "defaultErrnoRet", "", sink);
  const archMap = parseArchitectures(obj, sink);
  const syscalls = parseSyscalls(member(obj, "syscalls"), sink);
  const flags = parseFlags(member(obj, "flags"), sink);
  if (member(obj, "listenerPath") !== undefined) sink.warn("listenerPath", "ignored: SCMP_ACT_NOTIFY is not supported");

  if (sink.errors.length > 0 || !defaultAction || !archMap || !syscalls || flags === undefined) {
    return { ok: false, errors: sink.errors, warnings: sink.warnings };
  }
  return { ok: true, profile: { defaultAction, archMap, syscalls, flags }, errors: [], warnings: sink.warnings };
}

/** Parses or throws a SeccompProfileError listing every problem. */
export function loadProfile(text: string, source = "profile"): { profile: Profile; warnings: ProfileIssue[] } {
  const result = parseProfile(text);
  if (!result.ok) throw new SeccompProfileError(source, result.errors);
  return { profile: result.profile, warnings: result.warnings };
}

/** A profile that cannot be used; `kind` maps to the project's "invalid" error kind. */
export class SeccompProfileError extends Error {
  readonly kind = "invalid";
  constructor(
    readonly source: string,
    readonly issues: ProfileIssue[],
  ) {
    const shown = issues.slice(0, 5).map(formatIssue).join("; ");
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
    super(`Invalid seccomp profile '${source}': ${shown}${more}`);
    this.name = "SeccompProfileError";
  }
}

function parseArchitectures(obj: JsonObject, sink: IssueSink): ArchMapEntry[] | undefined {
  const archMap = member(obj, "archMap");
  const architectures = member(obj, "architectures");
  if (archMap !== undefined && architectures !== undefined) {
    return sink.error("", "has both 'archMap' and 'architectures'; use one");
  }
  if (architectures !== undefined) {
    // Newer flat form: every listed arch may be native; the compiler picks what fits the target.
    const list = readStringArray(architectures, "architectures", sink);
    if (!list) return undefined;
    list.forEach((a, i) => checkScmpArch(a, at("architectures", i), sink));
    return list.map((a) => ({ architecture: a, subArchitectures: list.filter((b) => b !== a) }));
  }
  if (archMap === undefined) return [];
  const entries = readArray(archMap, "archMap", sink);
  if (!entries) return undefined;
  const out: ArchMapEntry[] = [];
  entries.forEach((e, i) => {
    const path = at("archMap", i);
    const entry = readObject(e, path, sink);
    if (!entry) return;
    warnUnknownKeys(entry, ["architecture", "subArchitectures"], path, sink);
    const architecture = readString(member(entry, "architecture"), at(path, "architecture"), sink);
    const subs =
      member(entry, "subArchitectures") === undefined ? [] : readStringArray(member(entry, "subArchitectures"), at(path, "subArchitectures"), sink);
    if (architecture !== undefined) checkScmpArch(architecture, at(path, "architecture"), sink);
    subs?.forEach((s, j) => checkScmpArch(s, at(at(path, "subArchitectures"), j), sink));
    if (architecture !== undefined && subs) out.push({ architecture, subArchitectures: subs });
  });
  return out;
}

function checkScmpArch(name: string, path: string, sink: IssueSink): void {
  if (!SCMP_ARCHES.has(name)) sink.error(path, `unknown architecture '${name}'; expected an SCMP_ARCH_* name such as SCMP_ARCH_X86_64`);
}

function parseSyscalls(v: JsonValue | undefined, sink: IssueSink): SyscallRule[] | undefined {
  if (v === undefined) return [];
  const list = readArray(v, "syscalls", sink);
  if (!list) return undefined;
  const rules = list.map((item, i) => parseRule(item, i, sink));
  return rules.every((r) => r !== undefined) ? (rules as SyscallRule[]) : undefined;
}

function parseFlags(v: JsonValue | undefined, sink: IssueSink): number | undefined {
  if (v === undefined) return 0;
  const list = readStringArray(v, "flags", sink);
  if (!list) return undefined;
  let flags = 0;
  for (const [i, name] of list.entries()) {
    const bit = Object.hasOwn(PROFILE_FLAGS, name) ? PROFILE_FLAGS[name] : undefined;
    if (bit === undefined)
      return sink.error(at("flags", i), `unknown or unsupported flag '${name}'; expected ${Object.keys(PROFILE_FLAGS).join(" or ")}`);
    flags |= bit;
  }
  return flags;
}
