/** Compiled filters are cached by content and target; errors name the profile. */
import { describe, expect, test } from "bun:test";
import { createFilterCache, targetKey } from "./filter-cache.ts";

const profile = (deny: string) =>
  JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: [deny], action: "SCMP_ACT_ERRNO", args: [], includes: {}, excludes: {} }] });
const capped = JSON.stringify({
  defaultAction: "SCMP_ACT_ERRNO",
  syscalls: [{ names: ["mount"], action: "SCMP_ACT_ALLOW", args: [], includes: { caps: ["CAP_SYS_ADMIN"] }, excludes: {} }],
});

describe("createFilterCache", () => {
  test("the same content and target is compiled once, whatever the file is called", () => {
    const cache = createFilterCache();
    const a = cache.compile("a.json", profile("mkdir"), { arch: "x86_64" });
    const b = cache.compile("renamed.json", profile("mkdir"), { arch: "x86_64" });
    expect(b).toBe(a);
    expect(cache.stats).toEqual({ hits: 1, misses: 1 });
    // Edited content: compiled again.
    expect(cache.compile("a.json", profile("uname"), { arch: "x86_64" })).not.toBe(a);
    expect(cache.stats.misses).toBe(2);
  });

  test("the target is part of the key: architecture, kernel, capabilities (in any spelling or order)", () => {
    const cache = createFilterCache();
    const none = cache.compile("c.json", capped, { arch: "x86_64", capabilities: [] });
    const admin = cache.compile("c.json", capped, { arch: "x86_64", capabilities: ["CAP_SYS_ADMIN", "CAP_CHOWN"] });
    expect(admin.bytes).not.toEqual(none.bytes);
    expect(cache.compile("c.json", capped, { arch: "x86_64", capabilities: ["chown", "sys_admin"] })).toBe(admin);
    expect(cache.compile("c.json", capped, { arch: "aarch64", capabilities: [] })).not.toBe(none);
    expect(cache.compile("c.json", capped, { arch: "x86_64", capabilities: [], kernel: [6, 1] })).not.toBe(none);
    expect(targetKey({ arch: "x86_64", kernel: [5, 10], capabilities: ["sys_admin", "CAP_CHOWN"] })).toBe("x86_64|5.10|CAP_CHOWN,CAP_SYS_ADMIN");
  });

  test("least recently used entries go first", () => {
    const cache = createFilterCache({ maxEntries: 2 });
    const mkdir = cache.compile("1", profile("mkdir"), { arch: "x86_64" });
    cache.compile("2", profile("uname"), { arch: "x86_64" });
    cache.compile("1", profile("mkdir"), { arch: "x86_64" }); // mkdir is now the most recent
    cache.compile("3", profile("chdir"), { arch: "x86_64" }); // evicts uname
    expect(cache.size).toBe(2);
    expect(cache.compile("1", profile("mkdir"), { arch: "x86_64" })).toBe(mkdir);
    const misses = cache.stats.misses;
    cache.compile("2", profile("uname"), { arch: "x86_64" });
    expect(cache.stats.misses).toBe(misses + 1);
  });

  test("warnings are reported once per compiled profile; failures are 'invalid' errors naming the file", () => {
    const seen: string[] = [];
    const cache = createFilterCache({ onWarnings: (source, w) => seen.push(`${source}: ${w.join(" | ")}`) });
    const typo = profile("mkdri");
    cache.compile("typo.json", typo, { arch: "x86_64" });
    cache.compile("typo.json", typo, { arch: "x86_64" });
    expect(seen).toEqual(["typo.json: syscalls[0].names[0]: unknown syscall 'mkdri' (not a system call on x86_64, x32, i386 or aarch64); skipped"]);
    let error: unknown;
    try {
      cache.compile("bad.json", '{"defaultAction": "SCMP_ACT_NOPE"}', { arch: "x86_64" });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toStartWith("Invalid seccomp profile 'bad.json': defaultAction: unknown action 'SCMP_ACT_NOPE'");
    expect((error as { kind: string }).kind).toBe("invalid");
    expect(() => cache.compile("x.json", "{", { arch: "x86_64" })).toThrow(/Invalid seccomp profile 'x.json': not valid JSON/);
  });
});
