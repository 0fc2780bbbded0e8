/**
 * The isolator on a pretend host (tests/integration runs it for real): start-up checks, which
 * filter each container gets, the capability set it is compiled for, and what is logged.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { createLogger } from "@mesos/core";
import { isolator as api } from "@mesos/proto";
import { decodeProgram } from "../compiler/bpf.ts";
import { runBpf } from "../compiler/bpf-interpreter.ts";
import { AUDIT_ARCH_X86_64, syscallNumber } from "../syscalls/abis.ts";
import { createSeccompIsolator, type SeccompIsolatorOptions } from "./seccomp-isolator.ts";
import type { SeccompHost } from "./seccomp-host.ts";

const EXAMPLE = readFileSync(new URL("../../test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname, "utf8");
const rule = (names: string[], action: string) => ({ names, action, args: [], includes: {}, excludes: {} });
const FILES: Record<string, string> = {
  "/profiles/example.json": EXAMPLE,
  "/profiles/deny-mkdir.json": JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [rule(["mkdir"], "SCMP_ACT_ERRNO")] }),
  "/profiles/deny-uname.json": JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [rule(["uname"], "SCMP_ACT_ERRNO")] }),
  "/profiles/bad.json": '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": []}]}',
};

function fakeHost(overrides: Partial<SeccompHost> = {}): SeccompHost {
  return {
    isRoot: () => true,
    unsupportedReason: () => undefined,
    arch: () => "x86_64",
    kernel: () => [6, 1],
    boundingSet: () => ["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_SYS_CHROOT"],
    uidOf: (user) => ({ root: 0, nobody: 65534, toor: 0 })[user],
    readFile: (path) => {
      const text = FILES[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: "ENOENT" });
      return text;
    },
    isDirectory: (path) => path === "/profiles",
    ...overrides,
  };
}

function isolator(options: Partial<SeccompIsolatorOptions> = {}, lines: string[] = []) {
  return createSeccompIsolator({
    configDir: "/profiles",
    log: createLogger({ name: "test", level: "debug", sink: (l) => lines.push(l) }),
    host: fakeHost(),
    ...options,
  });
}

let n = 0;
const config = (init: { seccomp?: { profileName?: string; unconfined?: boolean }; user?: string; parent?: boolean; debug?: boolean } = {}) =>
  create(api.ContainerConfigSchema, {
    containerId: init.parent ? { value: `child-${n++}`, parent: { value: "parent" } } : { value: `c-${n++}` },
    containerClass: init.debug ? api.ContainerClass.DEBUG : api.ContainerClass.DEFAULT,
    directory: "/sandbox",
    containerInfo: init.seccomp ? { type: 2, linuxInfo: { seccomp: init.seccomp } } : undefined,
    user: init.user,
  });

/** The verdict of a prepared filter for one x86_64 syscall (undefined: no filter). */
async function verdict(iso: ReturnType<typeof isolator>, cfg: api.ContainerConfig, syscall: string): Promise<string | undefined> {
  const info = await iso.prepare!(cfg);
  if (!info?.seccompFilter) return undefined;
  const { value } = runBpf(decodeProgram(info.seccompFilter as Uint8Array), { nr: syscallNumber("x86_64", syscall)!, arch: AUDIT_ARCH_X86_64 });
  return value === 0x7fff0000 ? "allow" : value >>> 16 === 0x5 ? "errno" : `0x${value.toString(16)}`;
}

describe("start-up: what stops the agent", () => {
  test.each([
    ["no --seccomp_config_dir", { configDir: undefined }, "Flag '--seccomp_config_dir' is required"],
    ["not root", { host: fakeHost({ isRoot: () => false }) }, "the agent must run as root"],
    [
      "no kernel support",
      { host: fakeHost({ unsupportedReason: () => "no CONFIG_SECCOMP_FILTER" }) },
      "the kernel cannot run seccomp filters: no CONFIG_SECCOMP_FILTER",
    ],
    ["root without CAP_SYS_ADMIN", { host: fakeHost({ boundingSet: () => ["CAP_CHOWN"] }) }, "the agent has no CAP_SYS_ADMIN"],
    ["an architecture without tables", { host: fakeHost({ arch: () => undefined }) }, "no system call tables for this architecture"],
    ["a config dir that is not a directory", { configDir: "/nope" }, "Flag '--seccomp_config_dir': '/nope' is not a directory"],
    [
      "a missing default profile",
      { defaultProfile: "missing.json" },
      "Flag '--seccomp_profile_name': cannot use the default profile: Seccomp profile 'missing.json' not found in --seccomp_config_dir (/profiles)",
    ],
    [
      "a malformed default profile",
      { defaultProfile: "bad.json" },
      "Flag '--seccomp_profile_name': cannot use the default profile: Invalid seccomp profile 'bad.json': syscalls[0]",
    ],
    ["a default outside the dir", { defaultProfile: "../etc/x.json" }, "escapes --seccomp_config_dir"],
  ] as [string, Partial<SeccompIsolatorOptions>, string][])("%s", (_, options, message) => {
    expect(() => isolator(options)).toThrow(message);
  });

  test("the default profile is compiled at start-up (for root and non-root tasks); unknown names are logged as warnings", () => {
    const lines: string[] = [];
    const iso = isolator({ defaultProfile: "example.json" }, lines);
    expect(iso.defaultFilter!.instructions).toBeGreaterThan(100);
    expect(iso.cache.size).toBe(2);
    const warnings = lines.filter((l) => l.startsWith("W"));
    expect(warnings.some((l) => l.includes("Seccomp profile 'example.json': syscalls[0].names[182]: unknown syscall 'recv'"))).toBe(true);
    expect(lines.some((l) => l.includes("Seccomp default profile 'example.json':") && l.includes("worst-case path"))).toBe(true);
    expect(iso.name).toBe("linux/seccomp");
    expect(iso.supportsNesting).toBe(true);
  });
});

describe("prepare: which filter a container gets", () => {
  test("without a default: nothing unless the container names a profile", async () => {
    const iso = isolator();
    expect(await iso.prepare!(config())).toBeUndefined();
    expect(await verdict(iso, config({ seccomp: { profileName: "deny-mkdir.json" } }), "mkdir")).toBe("errno");
    expect(await verdict(iso, config({ seccomp: { profileName: "deny-mkdir.json" } }), "uname")).toBe("allow");
  });

  test("with a default: the default, a named profile instead, or unconfined", async () => {
    const iso = isolator({ defaultProfile: "deny-uname.json" });
    expect(await verdict(iso, config(), "uname")).toBe("errno");
    expect(await verdict(iso, config({ seccomp: { profileName: "deny-mkdir.json" } }), "uname")).toBe("allow");
    expect(await iso.prepare!(config({ seccomp: { unconfined: true } }))).toBeUndefined();
  });

  test("nested and DEBUG containers: their own setting or the default, never the parent's", async () => {
    const iso = isolator({ defaultProfile: "deny-uname.json" });
    await iso.prepare!(
      create(api.ContainerConfigSchema, {
        containerId: { value: "parent" },
        directory: "/s",
        containerInfo: { linuxInfo: { seccomp: { profileName: "deny-mkdir.json" } } },
      }),
    );
    expect(await verdict(iso, config({ parent: true }), "mkdir")).toBe("allow");
    expect(await verdict(iso, config({ parent: true }), "uname")).toBe("errno");
    expect(await verdict(iso, config({ parent: true, debug: true }), "uname")).toBe("errno");
    expect(await verdict(iso, config({ parent: true, debug: true, seccomp: { profileName: "deny-mkdir.json" } }), "mkdir")).toBe("errno");
    expect(await iso.prepare!(config({ parent: true, debug: true, seccomp: { unconfined: true } }))).toBeUndefined();
  });

  test("launch failures name the profile and the problem", async () => {
    const iso = isolator();
    const fails = (seccomp: { profileName?: string; unconfined?: boolean }) => iso.prepare!(config({ seccomp }));
    await expect(fails({ profileName: "deny-mkdir.json", unconfined: true })).rejects.toThrow(
      "both 'profile_name' ('deny-mkdir.json') and 'unconfined'",
    );
    await expect(fails({})).rejects.toThrow("Missing Seccomp profile name");
    await expect(fails({ profileName: "" })).rejects.toThrow("Missing Seccomp profile name");
    await expect(fails({ profileName: "gone.json" })).rejects.toThrow("Seccomp profile 'gone.json' not found in --seccomp_config_dir (/profiles)");
    await expect(fails({ profileName: "bad.json" })).rejects.toThrow(
      "Invalid seccomp profile 'bad.json': syscalls[0].names: must list at least one syscall name",
    );
    await expect(fails({ profileName: "/profiles/deny-mkdir.json" })).rejects.toThrow("is an absolute path");
    await expect(fails({ profileName: "../etc/deny-mkdir.json" })).rejects.toThrow("escapes --seccomp_config_dir");
    // Climbing out and back in is not an escape.
    expect(await verdict(iso, config({ seccomp: { profileName: "../profiles/deny-mkdir.json" } }), "mkdir")).toBe("errno");
  });

  test("capabilities: a root task is compiled with the bounding set, a non-root one with none", async () => {
    const iso = isolator({ defaultProfile: "example.json" });
    // The example allows mount, unshare (CAP_SYS_ADMIN) and chroot (CAP_SYS_CHROOT) only with the capability.
    for (const user of [undefined, "root", "toor"]) {
      expect(await verdict(iso, config({ user }), "mount")).toBe("allow");
      expect(await verdict(iso, config({ user }), "unshare")).toBe("allow");
      expect(await verdict(iso, config({ user }), "chroot")).toBe("allow");
      expect(await verdict(iso, config({ user }), "reboot")).toBe("errno"); // CAP_SYS_BOOT is not in this bounding set
    }
    for (const user of ["nobody", "no-such-user"]) {
      expect(await verdict(iso, config({ user }), "mount")).toBe("errno");
      expect(await verdict(iso, config({ user }), "unshare")).toBe("errno");
      expect(await verdict(iso, config({ user }), "chroot")).toBe("errno");
      expect(await verdict(iso, config({ user }), "getppid")).toBe("allow");
    }
  });

  test("launches reuse compiled filters; an edited profile is recompiled at the next launch", async () => {
    let text = FILES["/profiles/deny-mkdir.json"]!;
    const iso = isolator({ host: fakeHost({ readFile: (p) => (p === "/profiles/x.json" ? text : FILES[p]!) }) });
    const a = await iso.prepare!(config({ seccomp: { profileName: "x.json" } }));
    const b = await iso.prepare!(config({ seccomp: { profileName: "x.json" } }));
    expect(b!.seccompFilter).toBe(a!.seccompFilter);
    expect(iso.cache.stats).toEqual({ hits: 1, misses: 1 });
    text = FILES["/profiles/deny-uname.json"]!;
    expect(await verdict(iso, config({ seccomp: { profileName: "x.json" } }), "uname")).toBe("errno");
    expect(iso.cache.stats.misses).toBe(2);
  });
});
