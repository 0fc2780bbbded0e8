/**
 * Parses one entry of a profile's `syscalls` array. Accepts both the shape Mesos 1.8 requires
 * (`names`, `action`, `args`, `includes`, `excludes` all present) and newer Docker profiles, where
 * `args`/`includes`/`excludes` may be omitted or null, `errnoRet` sets a rule's errno, and old
 * profiles use a single `name` instead of `names`.
 */
import { KNOWN_ACTIONS, MAX_ERRNO, actionKind, makeAction, takesData } from "./actions.ts";
import { RULE_ARCH_NAMES } from "./arches.ts";
import { LINUX_CAPABILITIES, normalizeCapability } from "./capabilities.ts";
import { type IssueSink, U64_MAX, at, member, readArray, readObject, readString, readStringArray, readUint, warnUnknownKeys } from "./fields.ts";
import type { JsonObject, JsonValue } from "./json-source.ts";
import type { Action, ArgCondition, ArgOp, RuleFilter, SyscallRule } from "./types.ts";

const RULE_KEYS = ["names", "name", "action", "errnoRet", "args", "comment", "includes", "excludes"];
const ARG_KEYS = ["index", "value", "valueTwo", "op"];
const FILTER_KEYS = ["arches", "caps", "minKernel"];
const OPS: Record<string, ArgOp> = {
  SCMP_CMP_NE: "NE",
  SCMP_CMP_LT: "LT",
  SCMP_CMP_LE: "LE",
  SCMP_CMP_EQ: "EQ",
  SCMP_CMP_GE: "GE",
  SCMP_CMP_GT: "GT",
  SCMP_CMP_MASKED_EQ: "MASKED_EQ",
};

export function parseRule(v: JsonValue, index: number, sink: IssueSink): SyscallRule | undefined {
  const path = `syscalls[${index}]`;
  const obj = readObject(v, path, sink);
  if (!obj) return undefined;
  warnUnknownKeys(obj, RULE_KEYS, path, sink);
  const names = parseNames(obj, path, sink);
  const action = parseAction(obj, "action", "errnoRet", path, sink);
  const args = parseArgs(member(obj, "args"), at(path, "args"), sink);
  const comment = member(obj, "comment") === undefined ? "" : readString(member(obj, "comment"), at(path, "comment"), sink);
  const includes = parseFilter(member(obj, "includes"), at(path, "includes"), sink);
  const excludes = parseFilter(member(obj, "excludes"), at(path, "excludes"), sink);
  if (!names || !action || !args || comment === undefined || !includes || !excludes) return undefined;
  return { index, names, action, args, comment, includes, excludes };
}

function parseNames(obj: JsonObject, path: string, sink: IssueSink): string[] | undefined {
  const names = member(obj, "names");
  const name = member(obj, "name");
  if (names !== undefined && name !== undefined) {
    return sink.error(path, "has both 'name' and 'names'; use one ('names' is current Docker format)");
  }
  if (name !== undefined) {
    const single = readString(name, at(path, "name"), sink);
    if (single === "") return sink.error(at(path, "name"), "must not be empty");
    return single === undefined ? undefined : [single];
  }
  if (names === undefined) return sink.error(at(path, "names"), "missing (a non-empty array of syscall names is required)");
  const list = readStringArray(names, at(path, "names"), sink);
  if (!list) return undefined;
  if (list.length === 0) return sink.error(at(path, "names"), "must list at least one syscall name");
  const empty = list.indexOf("");
  if (empty >= 0) return sink.error(at(at(path, "names"), empty), "must not be empty");
  return list;
}

/** Reads an action and its errno/trace data; shared by rules and the profile's default action. */
export function parseAction(obj: JsonObject, key: string, dataKey: string, path: string, sink: IssueSink): Action | undefined {
  const spelling = readString(member(obj, key), at(path, key), sink);
  if (spelling === undefined) return undefined;
  const kind = actionKind(spelling);
  if (!kind) {
    const hint = spelling === "SCMP_ACT_NOTIFY" ? " (user-space notification is not supported)" : "";
    return sink.error(at(path, key), `unknown action '${spelling}'${hint}; expected one of ${KNOWN_ACTIONS.join(", ")}`);
  }
  const rawData = member(obj, dataKey);
  if (rawData === undefined) return makeAction(kind, undefined, spelling);
  if (!takesData(kind)) {
    sink.warn(at(path, dataKey), `ignored: ${spelling} does not return an errno`);
    return makeAction(kind, undefined, spelling);
  }
  const max = kind === "errno" ? BigInt(MAX_ERRNO) : 0xffffn;
  const data = readUint(rawData, at(path, dataKey), sink, max, "an errno number");
  return data === undefined ? undefined : makeAction(kind, Number(data), spelling);
}

function parseArgs(v: JsonValue | undefined, path: string, sink: IssueSink): ArgCondition[] | undefined {
  if (v === undefined) return [];
  const list = readArray(v, path, sink);
  if (!list) return undefined;
  const out: ArgCondition[] = [];
  let ok = true;
  list.forEach((item, i) => {
    const arg = parseArg(item, at(path, i), sink);
    if (arg) out.push(arg);
    else ok = false;
  });
  return ok ? out : undefined;
}

function parseArg(v: JsonValue, path: string, sink: IssueSink): ArgCondition | undefined {
  const obj = readObject(v, path, sink);
  if (!obj) return undefined;
  warnUnknownKeys(obj, ARG_KEYS, path, sink);
  const index = readUint(member(obj, "index"), at(path, "index"), sink, 5n, "an argument index 0-5");
  const value = readUint(member(obj, "value"), at(path, "value"), sink, U64_MAX, "an unsigned 64-bit integer");
  const valueTwo =
    member(obj, "valueTwo") === undefined ? 0n : readUint(member(obj, "valueTwo"), at(path, "valueTwo"), sink, U64_MAX, "an unsigned 64-bit integer");
  const opName = readString(member(obj, "op"), at(path, "op"), sink);
  let op: ArgOp | undefined;
  if (opName !== undefined) {
    op = Object.hasOwn(OPS, opName) ? OPS[opName] : undefined;
    if (!op) sink.error(at(path, "op"), `unknown operator '${opName}'; expected one of ${Object.keys(OPS).join(", ")}`);
  }
  if (index === undefined || value === undefined || valueTwo === undefined || !op) return undefined;
  return { index: Number(index), op, value, valueTwo };
}

function parseFilter(v: JsonValue | undefined, path: string, sink: IssueSink): RuleFilter | undefined {
  if (v === undefined) return { arches: [], caps: [] };
  const obj = readObject(v, path, sink);
  if (!obj) return undefined;
  warnUnknownKeys(obj, FILTER_KEYS, path, sink);
  const arches = member(obj, "arches") === undefined ? [] : readStringArray(member(obj, "arches"), at(path, "arches"), sink);
  const rawCaps = member(obj, "caps") === undefined ? [] : readStringArray(member(obj, "caps"), at(path, "caps"), sink);
  arches?.forEach((a, i) => {
    if (!RULE_ARCH_NAMES.has(a)) sink.warn(at(at(path, "arches"), i), `unknown architecture '${a}' (matches nothing)`);
  });
  const caps = rawCaps?.map((c, i) => {
    const cap = normalizeCapability(c);
    if (!LINUX_CAPABILITIES.has(cap)) sink.warn(at(at(path, "caps"), i), `unknown capability '${c}' (matches nothing)`);
    return cap;
  });
  let minKernel: [number, number] | undefined;
  const mk = member(obj, "minKernel");
  if (mk !== undefined) {
    const text = readString(mk, at(path, "minKernel"), sink);
    const m = text === undefined ? null : /^(\d+)\.(\d+)(\.\d+)?$/.exec(text);
    if (text !== undefined && !m) return sink.error(at(path, "minKernel"), `must be a kernel version like "5.8", not "${text}"`);
    if (m) minKernel = [Number(m[1]), Number(m[2])];
  }
  if (!arches || !caps) return undefined;
  return { arches, caps, ...(minKernel ? { minKernel } : {}) };
}
