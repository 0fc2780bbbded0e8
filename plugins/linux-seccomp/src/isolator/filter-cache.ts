/**
 * Compiled filters, cached by what determines them: the profile's bytes (a SHA-256 of the file's
 * content, so an edited profile is recompiled and a renamed one is not) and the target (architecture,
 * kernel version, the container's capability set). Launches then cost one file read and one hash.
 * Least recently used entries go first once `maxEntries` is reached. Failures are not cached: a
 * broken profile is rare, and its message names the file it was read from.
 */
import { createHash } from "node:crypto";
import { invalid } from "@mesos/core";
import { type CompiledFilter, SeccompCompileError, compileProfile } from "../compiler/compile.ts";
import type { CompileTarget } from "../compiler/target.ts";
import { normalizeCapabilities } from "../profile/capabilities.ts";
import { SeccompProfileError, loadProfile } from "../profile/parse-profile.ts";
import { formatIssue } from "../profile/types.ts";

export interface FilterCacheOptions {
  maxEntries?: number;
  /** Told once per compiled (profile, target): unknown syscall names skipped, unsupported arches... */
  onWarnings?(source: string, warnings: string[]): void;
}

export interface FilterCache {
  /** The filter for `text` (read from `source`, named in errors) on `target`; throws an "invalid" MesosError. */
  compile(source: string, text: string, target: CompileTarget): CompiledFilter;
  readonly size: number;
  readonly stats: { hits: number; misses: number };
}

export function targetKey(target: CompileTarget): string {
  const caps = [...normalizeCapabilities(target.capabilities)].sort().join(",");
  return `${target.arch}|${target.kernel ? target.kernel.join(".") : "?"}|${caps}`;
}

/** Parses and compiles without caching; errors say which profile and what is wrong with it. */
export function compileProfileText(source: string, text: string, target: CompileTarget): CompiledFilter & { parseWarnings: string[] } {
  try {
    const { profile, warnings } = loadProfile(text, source);
    const filter = compileProfile(profile, target);
    return { ...filter, parseWarnings: warnings.map(formatIssue) };
  } catch (e) {
    if (e instanceof SeccompProfileError) throw invalid(e.message, e);
    if (e instanceof SeccompCompileError) {
      throw invalid(`Invalid seccomp profile '${source}': ${e.issues.map(formatIssue).join("; ")}`, e);
    }
    throw e;
  }
}

export function createFilterCache(options: FilterCacheOptions = {}): FilterCache {
  const max = options.maxEntries ?? 64;
  const entries = new Map<string, CompiledFilter>();
  const stats = { hits: 0, misses: 0 };
  return {
    compile(source, text, target) {
      const key = `${createHash("sha256").update(text).digest("hex")}|${targetKey(target)}`;
      const hit = entries.get(key);
      if (hit) {
        stats.hits++;
        entries.delete(key); // most recently used last
        entries.set(key, hit);
        return hit;
      }
      stats.misses++;
      const filter = compileProfileText(source, text, target);
      const warnings = [...filter.parseWarnings, ...filter.warnings.map(formatIssue)];
      if (filter.flags !== 0) warnings.push("flags: not applied (a launch description carries the program only, installed without filter flags)");
      if (warnings.length > 0) options.onWarnings?.(source, warnings);
      entries.set(key, filter);
      while (entries.size > max) entries.delete(entries.keys().next().value!);
      return filter;
    },
    get size() {
      return entries.size;
    },
    stats,
  };
}
