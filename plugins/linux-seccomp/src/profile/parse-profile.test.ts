import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SeccompProfileError, loadProfile, parseProfile } from "./parse-profile.ts";
import { formatIssue } from "./types.ts";

const MESOS_EXAMPLE = new URL("../../test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname;
const NEWER_DOCKER = join(import.meta.dir, "../../test-fixtures/docker-newer-profile.json");

describe("the profiles we must read", () => {
  test("Mesos 1.8's example profile loads, exactly", () => {
    const { profile, warnings } = loadProfile(readFileSync(MESOS_EXAMPLE, "utf8"), "mesos-example");
    expect(warnings).toEqual([]);
    expect(profile.defaultAction).toMatchObject({ kind: "errno", data: 1, value: 0x50001 });
    expect(profile.archMap[0]).toEqual({ architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] });
    expect(profile.syscalls).toHaveLength(25);
    expect(profile.syscalls[0]!.names).toHaveLength(307);
    expect(profile.syscalls[5]!.args).toEqual([{ index: 0, op: "EQ", value: 4294967295n, valueTwo: 0n }]);
    expect(profile.syscalls[13]!.args).toEqual([{ index: 0, op: "MASKED_EQ", value: 2080505856n, valueTwo: 0n }]);
    expect(profile.syscalls[13]!.excludes).toEqual({ arches: ["s390", "s390x"], caps: ["CAP_SYS_ADMIN"] });
    expect(profile.syscalls[12]!.includes.caps).toEqual(["CAP_SYS_ADMIN"]);
  });

  test("a newer Docker profile loads: defaultErrnoRet, errnoRet, LOG, KILL_PROCESS, 64-bit masks, optional fields", () => {
    const { profile, warnings } = loadProfile(readFileSync(NEWER_DOCKER, "utf8"));
    expect(warnings).toEqual([]);
    const byName = (n: string) => profile.syscalls.filter((r) => r.names.includes(n));
    expect(profile.defaultAction).toMatchObject({ kind: "errno", data: 1 });
    expect(byName("clone3")[1]!.action).toMatchObject({ kind: "errno", data: 38, value: 0x50026 });
    expect(byName("kexec_load")[0]!.action).toMatchObject({ kind: "kill_process", value: 0x80000000 });
    expect(byName("acct")[0]!.action).toMatchObject({ kind: "kill_thread", value: 0 });
    expect(byName("syslog")[1]!.action).toMatchObject({ kind: "log", value: 0x7ffc0000 });
    expect(byName("mmap")[0]!.args[0]).toEqual({ index: 2, op: "MASKED_EQ", value: 18446744073709551615n, valueTwo: 7n });
    expect(byName("ptrace")[0]!.includes.minKernel).toEqual([4, 8]);
    expect(byName("socket")[0]!).toMatchObject({ args: [{ op: "NE", value: 40n }], excludes: { arches: [], caps: [] } });
  });

  test("the older forms: a single `name`, null args, the flat `architectures` list, flags", () => {
    const { profile } = loadProfile(
      JSON.stringify({
        defaultAction: "SCMP_ACT_ALLOW",
        architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
        flags: ["SECCOMP_FILTER_FLAG_LOG"],
        syscalls: [{ name: "mkdir", action: "SCMP_ACT_ERRNO", args: null, includes: null }],
      }),
    );
    expect(profile.syscalls[0]).toMatchObject({ names: ["mkdir"], args: [], action: { value: 0x50001 } });
    expect(profile.archMap).toContainEqual({ architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86"] });
    expect(profile.flags).toBe(2);
  });

  test("TRACE carries errnoRet or EPERM; errnoRet on an action without data is a warning", () => {
    const r = parseProfile(
      JSON.stringify({
        defaultAction: "SCMP_ACT_TRACE",
        syscalls: [
          { names: ["read"], action: "SCMP_ACT_TRACE", errnoRet: 7 },
          { names: ["write"], action: "SCMP_ACT_ALLOW", errnoRet: 7 },
        ],
      }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.profile.defaultAction.value).toBe(0x7ff00001);
    expect(r.profile.syscalls[0]!.action.value).toBe(0x7ff00007);
    expect(r.warnings.map(formatIssue)).toEqual(["syscalls[1].errnoRet: ignored: SCMP_ACT_ALLOW does not return an errno"]);
  });

  test("unknown fields and duplicate keys are warnings, not errors", () => {
    const r = parseProfile('{"defaultAction": "SCMP_ACT_ALLOW", "defaultAction": "SCMP_ACT_LOG", "defautAction": 1}');
    expect(r.ok).toBe(true);
    expect(r.warnings.map(formatIssue)).toEqual([
      "defaultAction: duplicate key (the last one wins)",
      "defautAction: unknown field (ignored); expected one of defaultAction, defaultErrnoRet, archMap, architectures, syscalls, flags, listenerPath, listenerMetadata",
    ]);
  });
});

/** A profile with `rule` at syscalls[index] (earlier entries are valid fillers). */
function withRule(rule: unknown, index = 0): string {
  const filler = { names: ["read"], action: "SCMP_ACT_ALLOW", args: [], includes: {}, excludes: {} };
  return JSON.stringify({ defaultAction: "SCMP_ACT_ERRNO", archMap: [], syscalls: [...Array(index).fill(filler), rule] });
}
const rule = (extra: object) => ({ names: ["personality"], action: "SCMP_ACT_ALLOW", ...extra });
const arg = (extra: object) => rule({ args: [{ index: 0, value: 0, op: "SCMP_CMP_EQ", ...extra }] });

const MALFORMED: [string, string, string[]][] = [
  ["not JSON", '{"defaultAction": }', ["not valid JSON: line 1, column 19: unexpected '}'"]],
  ["trailing garbage", '{"defaultAction": "SCMP_ACT_ALLOW"} x', ["not valid JSON: line 1, column 37: unexpected 'x' after the JSON value"]],
  ["not an object", "[]", ["the profile must be a JSON object"]],
  ["no defaultAction", '{"syscalls": []}', ["defaultAction: missing (a string is required)"]],
  [
    "an unknown operator, at rule 12",
    withRule(arg({ op: "SCMP_CMP_FOO" }), 12),
    [
      "syscalls[12].args[0].op: unknown operator 'SCMP_CMP_FOO'; expected one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ",
    ],
  ],
  [
    "an unknown action",
    withRule(rule({ action: "SCMP_ACT_BLOCK" })),
    [
      "syscalls[0].action: unknown action 'SCMP_ACT_BLOCK'; expected one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG",
    ],
  ],
  [
    "SCMP_ACT_NOTIFY",
    withRule(rule({ action: "SCMP_ACT_NOTIFY" })),
    [expect.stringContaining("unknown action 'SCMP_ACT_NOTIFY' (user-space notification is not supported)") as never],
  ],
  ["argument index 6", withRule(arg({ index: 6 })), ["syscalls[0].args[0].index: 6 is out of range (0 to 5)"]],
  ["a negative value", withRule(arg({ value: -1 })), ["syscalls[0].args[0].value: -1 is out of range (0 to 18446744073709551615)"]],
  [
    "a value above 2^64-1",
    withRule(rule({ args: [{ index: 0, value: 0, op: "SCMP_CMP_EQ" }] })).replace('"value":0', '"value":18446744073709551616'),
    ["syscalls[0].args[0].value: 18446744073709551616 is out of range (0 to 18446744073709551615)"],
  ],
  ["a fractional value", withRule(arg({ value: 1.5 })), ["syscalls[0].args[0].value: must be an unsigned 64-bit integer, not 1.5"]],
  ["a value as a string", withRule(arg({ valueTwo: "5" })), ["syscalls[0].args[0].valueTwo: must be an unsigned 64-bit integer, not a string"]],
  ["an argument without op", withRule(rule({ args: [{ index: 1, value: 2 }] })), ["syscalls[0].args[0].op: missing (a string is required)"]],
  ["empty names", withRule(rule({ names: [] })), ["syscalls[0].names: must list at least one syscall name"]],
  ["an empty name", withRule(rule({ names: ["read", ""] })), ["syscalls[0].names[1]: must not be empty"]],
  ["both name and names", withRule(rule({ name: "read" })), ["syscalls[0]: has both 'name' and 'names'; use one ('names' is current Docker format)"]],
  ["a rule without names", withRule({ action: "SCMP_ACT_ALLOW" }), ["syscalls[0].names: missing (a non-empty array of syscall names is required)"]],
  [
    "errnoRet above MAX_ERRNO",
    withRule(rule({ action: "SCMP_ACT_ERRNO", errnoRet: 5000 })),
    ["syscalls[0].errnoRet: 5000 is out of range (0 to 4095)"],
  ],
  [
    "a bad minKernel",
    withRule(rule({ includes: { minKernel: "five" } })),
    ['syscalls[0].includes.minKernel: must be a kernel version like "5.8", not "five"'],
  ],
  [
    "a capability that is not a string",
    withRule(rule({ includes: { caps: [21] } })),
    ["syscalls[0].includes.caps[0]: must be a string, not a number"],
  ],
  ["args not an array", withRule(rule({ args: {} })), ["syscalls[0].args: must be an array, not an object"]],
  ["syscalls not an array", '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": {}}', ["syscalls: must be an array, not an object"]],
  [
    "an unknown architecture",
    '{"defaultAction": "SCMP_ACT_ALLOW", "archMap": [{"architecture": "SCMP_ARCH_Z80", "subArchitectures": []}]}',
    ["archMap[0].architecture: unknown architecture 'SCMP_ARCH_Z80'; expected an SCMP_ARCH_* name such as SCMP_ARCH_X86_64"],
  ],
  [
    "both archMap and architectures",
    '{"defaultAction": "SCMP_ACT_ALLOW", "archMap": [], "architectures": []}',
    ["has both 'archMap' and 'architectures'; use one"],
  ],
  [
    "an unknown flag",
    '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_TSYNC"]}',
    ["flags[0]: unknown or unsupported flag 'SECCOMP_FILTER_FLAG_TSYNC'; expected SECCOMP_FILTER_FLAG_LOG or SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
  ],
];

describe("malformed profiles name the problem precisely", () => {
  for (const [what, text, errors] of MALFORMED) {
    test(what, () => {
      const r = parseProfile(text);
      expect(r.ok).toBe(false);
      expect(r.errors.map(formatIssue)).toEqual(errors);
    });
  }

  test("every problem is reported, not just the first", () => {
    const r = parseProfile(withRule({ names: [], action: "SCMP_ACT_X", args: [{ index: 9, value: 0, op: "SCMP_CMP_EQ" }] }));
    expect(r.errors.map((e) => e.path)).toEqual(["syscalls[0].names", "syscalls[0].action", "syscalls[0].args[0].index"]);
  });

  test("loadProfile throws an 'invalid' error naming the profile", () => {
    const err = (() => {
      try {
        loadProfile(withRule(arg({ op: "SCMP_CMP_FOO" }), 12), "deny.json");
      } catch (e) {
        return e as SeccompProfileError;
      }
    })();
    expect(err).toBeInstanceOf(SeccompProfileError);
    expect(err!.kind).toBe("invalid");
    expect(err!.message).toStartWith("Invalid seccomp profile 'deny.json': syscalls[12].args[0].op: unknown operator 'SCMP_CMP_FOO'");
  });
});
