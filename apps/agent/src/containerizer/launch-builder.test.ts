import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { ContainerInfoSchema, isolator as api } from "@mesos/proto";
import { buildLaunchInfo, type BuildRequest } from "./launch-builder.ts";
import type { LaunchInfo } from "../launch-protocol/launch-info.ts";

const base = (over: Partial<BuildRequest> = {}, merged: Parameters<typeof create<typeof api.ContainerLaunchInfoSchema>>[1] = {}): BuildRequest => ({
  containerId: "c1",
  runtimeDir: "/run/c1",
  launcher: "linux",
  sandbox: "/sb",
  outputDir: "/sb",
  sandboxDirectory: "/mnt/mesos/sandbox",
  debug: false,
  command: { program: "/bin/sh", argv: ["sh", "-c", "x"], env: { A: "task" } },
  merged: create(api.ContainerLaunchInfoSchema, merged),
  ...over,
});

describe("buildLaunchInfo", () => {
  test("the task's environment wins over isolators'; it works in its sandbox", () => {
    const info = buildLaunchInfo(
      base(
        {},
        {
          environment: {
            variables: [
              { name: "A", value: "isolator" },
              { name: "B", value: "isolator" },
            ],
          },
        },
      ),
    );
    expect(info.command!.env).toEqual({ A: "task", B: "isolator" });
    expect(info.command!.workingDirectory).toBe("/sb");
    expect(info).toMatchObject({ stdoutPath: "/sb/stdout", stderrPath: "/sb/stderr", launcher: "linux", mounts: [], rlimits: [] });
    expect(info.switchboard).toBeUndefined();
  });

  test("a rootfs: the sandbox is mounted at --sandbox_directory, where the task works", () => {
    const info = buildLaunchInfo(base({}, { rootfs: "/images/r" }));
    expect(info.rootfs).toBe("/images/r");
    expect(info.mounts).toEqual([{ type: "bind", source: "/sb", target: "/images/r/mnt/mesos/sandbox" }]);
    expect(info.command!.workingDirectory).toBe("/mnt/mesos/sandbox");
    expect(info.command!.env.MESOS_SANDBOX).toBe("/mnt/mesos/sandbox");
  });

  test("a provisioned image's rootfs (ContainerConfig.rootfs) is the container's; an isolator may not name another", () => {
    const info = buildLaunchInfo(base({ provisionedRootfs: "/images/p" }));
    expect(info.rootfs).toBe("/images/p");
    expect(info.mounts).toEqual([{ type: "bind", source: "/sb", target: "/images/p/mnt/mesos/sandbox" }]);
    expect(buildLaunchInfo(base({ provisionedRootfs: "/images/p" }, { rootfs: "/images/p" })).rootfs).toBe("/images/p");
    expect(() => buildLaunchInfo(base({ provisionedRootfs: "/images/p" }, { rootfs: "/images/other" }))).toThrow(
      "An isolator asked for the root filesystem /images/other, but the container's image is provisioned at /images/p",
    );
    expect(() => buildLaunchInfo(base({ provisionedRootfs: "/images/p", launcher: "posix" }))).toThrow("which need --launcher=linux");
  });

  test("DEBUG containers inherit the parent's environment and working directory, join its namespaces, get a switchboard", () => {
    const parent = buildLaunchInfo(base({ command: { program: "sleep", argv: ["sleep"], env: { P: "1", A: "parent" }, workingDirectory: "/psb" } }));
    const info = buildLaunchInfo(base({ debug: true, parent: { initPid: 42, info: parent as LaunchInfo } }));
    expect(info.command!.env).toEqual({ P: "1", A: "task" });
    expect(info.command!.workingDirectory).toBe("/psb");
    expect(info.join).toEqual({ pid: 42, namespaces: ["ipc", "uts", "net", "mnt"] });
    expect(info.switchboard).toEqual({ tty: undefined, bufferUntilAttached: true });
  });

  test("a TTY (default 24x80), rlimits, namespaces and the seccomp filter", () => {
    const info = buildLaunchInfo(
      base(
        { containerInfo: create(ContainerInfoSchema, { type: 2, ttyInfo: {} }) },
        {
          rlimits: { rlimits: [{ type: 10, soft: 100n, hard: 200n }, { type: 2 }] },
          cloneNamespaces: [api.Namespace.NS_UTS, api.Namespace.NS_PID],
          seccompFilter: new Uint8Array(8).fill(7),
        },
      ),
    );
    expect(info.switchboard).toEqual({ tty: { rows: 24, columns: 80 }, bufferUntilAttached: undefined });
    expect(info.rlimits).toEqual([
      { resource: 7, soft: 100, hard: 200 },
      { resource: 4, soft: "unlimited", hard: "unlimited" },
    ]);
    expect(info.unshare).toEqual(["uts"]);
    expect(info.seccompFilter).toBe(Buffer.from(new Uint8Array(8).fill(7)).toString("base64"));
  });

  test("what the posix launcher cannot do is refused before anything starts", () => {
    expect(() => buildLaunchInfo(base({ launcher: "posix" }, { mounts: [{ type: 2, target: "/t" }], hostname: "h" }))).toThrow(
      "The isolators asked for mounts, a hostname, which need --launcher=linux",
    );
  });

  test("an isolator's command replaces an empty one; its user applies when the agent names none, looked up in the rootfs", () => {
    const rootfs = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? "/tmp", "rootfs-"));
    mkdirSync(join(rootfs, "etc"));
    writeFileSync(join(rootfs, "etc/passwd"), "app:x:1234:2345::/:/bin/sh\n");
    const empty = { program: "", argv: [], env: {} };
    const info = buildLaunchInfo(
      base({ command: empty }, { rootfs, command: { shell: false, value: "/bin/echo", arguments: ["echo", "hi"] }, user: "app" }),
    );
    expect(info.command).toMatchObject({ program: "/bin/echo", argv: ["echo", "hi"], user: { name: "app", uid: 1234, gid: 2345, groups: [2345] } });
    expect(info.command!.env.MESOS_SANDBOX).toBe("/mnt/mesos/sandbox");
    const shell = buildLaunchInfo(base({ command: empty }, { rootfs, command: { shell: true, value: "echo $A" } }));
    expect(shell.command).toMatchObject({ program: "/bin/sh", argv: ["sh", "-c", "echo $A"] });
    // The agent's own user choice (switch_user) stays.
    const agentUser = { name: "nobody", uid: 65534, gid: 65534, groups: [65534] };
    expect(
      buildLaunchInfo(base({ command: { ...empty, program: "/x", argv: ["x"], user: agentUser } }, { rootfs, user: "app" })).command!.user,
    ).toEqual(agentUser);
    expect(() => buildLaunchInfo(base({ command: empty }))).toThrow(/has no 'value' to run/);
  });
});
