/** SeccompInfo -> which filter, with Mesos 1.8's rules and messages. */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { ContainerInfoSchema } from "@mesos/proto";
import { seccompChoice } from "./seccomp-choice.ts";

const info = (seccomp?: { profileName?: string; unconfined?: boolean }) =>
  create(ContainerInfoSchema, { type: 2, linuxInfo: seccomp ? { seccomp } : {} });

describe("seccompChoice", () => {
  test("no ContainerInfo, no LinuxInfo or no SeccompInfo: the agent default", () => {
    expect(seccompChoice(undefined)).toEqual({ kind: "default" });
    expect(seccompChoice(create(ContainerInfoSchema, { type: 2 }))).toEqual({ kind: "default" });
    expect(seccompChoice(info())).toEqual({ kind: "default" });
  });

  test("a profile name, or unconfined", () => {
    expect(seccompChoice(info({ profileName: "x.json" }))).toEqual({ kind: "profile", name: "x.json" });
    expect(seccompChoice(info({ unconfined: true }))).toEqual({ kind: "unconfined" });
    // unconfined: false says nothing: the name decides.
    expect(seccompChoice(info({ profileName: "x.json", unconfined: false }))).toEqual({ kind: "profile", name: "x.json" });
  });

  test("both set: invalid, naming the profile", () => {
    expect(() => seccompChoice(info({ profileName: "x.json", unconfined: true }))).toThrow(
      "SeccompInfo sets both 'profile_name' ('x.json') and 'unconfined'",
    );
    // Even an empty name counts as set.
    expect(() => seccompChoice(info({ profileName: "", unconfined: true }))).toThrow(/both 'profile_name'/);
  });

  test("neither, an empty or blank name, or unconfined: false alone: 'Missing Seccomp profile name'", () => {
    for (const s of [{}, { profileName: "" }, { profileName: "  " }, { unconfined: false }]) {
      let error: unknown;
      try {
        seccompChoice(info(s));
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).toStartWith("Missing Seccomp profile name");
      expect((error as { kind: string }).kind).toBe("invalid");
    }
  });
});
