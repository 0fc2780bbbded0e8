/**
 * Typed field readers for the profile parser. Each records a precise issue (JSON path + what was
 * wrong) and returns undefined instead of throwing, so one pass reports every problem in a profile.
 */
import type { ProfileIssue } from "./types.ts";
import { type JsonObject, type JsonValue, JsonNumber, isJsonObject, jsonTypeName } from "./json-source.ts";

export const U64_MAX = (1n << 64n) - 1n;

export class IssueSink {
  readonly errors: ProfileIssue[] = [];
  readonly warnings: ProfileIssue[] = [];
  error(path: string, message: string): undefined {
    this.errors.push({ path, message });
    return undefined;
  }
  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

export const at = (path: string, key: string | number) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** A present, non-null member; a missing one is an error only if `required`. */
export function member(obj: JsonObject, key: string): JsonValue | undefined {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  return v === null ? undefined : v;
}

export function readObject(v: JsonValue | undefined, path: string, sink: IssueSink): JsonObject | undefined {
  if (isJsonObject(v)) return v;
  return sink.error(path, v === undefined ? "missing (an object is required)" : `must be an object, not ${jsonTypeName(v)}`);
}

export function readArray(v: JsonValue | undefined, path: string, sink: IssueSink): JsonValue[] | undefined {
  if (Array.isArray(v)) return v;
  return sink.error(path, v === undefined ? "missing (an array is required)" : `must be an array, not ${jsonTypeName(v)}`);
}

export function readString(v: JsonValue | undefined, path: string, sink: IssueSink): string | undefined {
  if (typeof v === "string") return v;
  return sink.error(path, v === undefined ? "missing (a string is required)" : `must be a string, not ${jsonTypeName(v)}`);
}

export function readStringArray(v: JsonValue | undefined, path: string, sink: IssueSink): string[] | undefined {
  const arr = readArray(v, path, sink);
  if (!arr) return undefined;
  const out: string[] = [];
  let ok = true;
  arr.forEach((item, i) => {
    const s = readString(item, at(path, i), sink);
    if (s === undefined) ok = false;
    else out.push(s);
  });
  return ok ? out : undefined;
}

/** An exact unsigned integer in [min, max]; fractions, exponents, negatives and strings are errors. */
export function readUint(v: JsonValue | undefined, path: string, sink: IssueSink, max: bigint, what = "an unsigned integer"): bigint | undefined {
  if (v === undefined) return sink.error(path, `missing (${what} is required)`);
  if (!(v instanceof JsonNumber)) return sink.error(path, `must be ${what}, not ${jsonTypeName(v)}`);
  const n = v.toBigInt();
  if (n === undefined) return sink.error(path, `must be ${what}, not ${v.text}`);
  if (n < 0n || n > max) return sink.error(path, `${v.text} is out of range (0 to ${max})`);
  return n;
}

/** Warns about members the format does not define (usually a typo such as `defautAction`). */
export function warnUnknownKeys(obj: JsonObject, known: readonly string[], path: string, sink: IssueSink): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) sink.warn(at(path, key), `unknown field (ignored); expected one of ${known.join(", ")}`);
  }
}
