import { describe, expect, test } from "bun:test";
import { isolator as api } from "@mesos/proto";
import { mergeLaunchInfos, toLaunchInfo } from "./merge-launch-info.ts";

const part = (isolator: string, info: Parameters<typeof toLaunchInfo>[0]) => ({ isolator, info: toLaunchInfo(info) });

describe("mergeLaunchInfos", () => {
  test("unions environment, mounts and namespaces from every isolator", () => {
    const merged = mergeLaunchInfos([
      part("a/one", { environment: { variables: [{ name: "A", value: "1" }] }, mounts: [{ type: api.Mount_Type.TMPFS, target: "/tmp" }] }),
      part("b/two", { environment: { variables: [{ name: "B", value: "2" }] }, cloneNamespaces: [api.Namespace.NS_UTS], rootfs: "/images/x" }),
    ]);
    expect(merged.environment?.variables.map((v) => `${v.name}=${v.value}`)).toEqual(["A=1", "B=2"]);
    expect(merged.mounts.map((m) => m.target)).toEqual(["/tmp"]);
    expect(merged.cloneNamespaces).toEqual([api.Namespace.NS_UTS]);
    expect(merged.rootfs).toBe("/images/x");
  });

  test("the same variable with the same value is not a conflict", () => {
    const env = { environment: { variables: [{ name: "A", value: "1" }] } };
    expect(mergeLaunchInfos([part("a/one", env), part("b/two", env)]).environment?.variables).toHaveLength(1);
  });

  test("conflicts are errors naming both isolators", () => {
    const cases: [Parameters<typeof toLaunchInfo>[0], Parameters<typeof toLaunchInfo>[0], RegExp][] = [
      [{ rootfs: "/a" }, { rootfs: "/b" }, /isolators 'a\/one' and 'b\/two' both set the root filesystem/],
      [
        { environment: { variables: [{ name: "X", value: "1" }] } },
        { environment: { variables: [{ name: "X", value: "2" }] } },
        /both set environment variable X/,
      ],
      [
        { mounts: [{ type: api.Mount_Type.TMPFS, target: "/m" }] },
        { mounts: [{ type: api.Mount_Type.TMPFS, target: "/m" }] },
        /both set a mount on \/m/,
      ],
      [{ seccompFilter: new Uint8Array(8) }, { seccompFilter: new Uint8Array(16).fill(1) }, /both set a seccomp filter/],
      [{ workingDirectory: "/w" }, { workingDirectory: "/v" }, /both set the working directory/],
      [{ hostname: "a" }, { hostname: "b" }, /both set the hostname/],
      [{ command: { value: "/a" } }, { command: { value: "/a" } }, /both set the command/],
      [{ user: "app" }, { user: "1000" }, /both set the user/],
    ];
    for (const [a, b, message] of cases) {
      expect(() => mergeLaunchInfos([part("a/one", a), part("b/two", b)])).toThrow(message);
    }
  });

  test("an invalid description names its isolator", () => {
    expect(() => mergeLaunchInfos([part("a/one", { mounts: [{ type: api.Mount_Type.TMPFS, target: "relative" }] })])).toThrow(
      "Isolator 'a/one' returned an invalid launch description: mount target 'relative' is not an absolute path",
    );
    expect(() => mergeLaunchInfos([part("a/one", { seccompFilter: new Uint8Array(5) })])).toThrow(/whole 8-byte instructions, not 5 bytes/);
  });
});
