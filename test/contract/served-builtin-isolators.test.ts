/**
 * Built-in plugin isolators out of process: `mesos isolator serve NAME` (the compiled binary)
 * reached over its unix socket through `connectIsolator`, with the version negotiation the agent
 * uses, passes the same contract as the in-process forms (builtin-isolators.test.ts).
 */
import { afterAll, expect, test } from "bun:test";
import { copyFileSync, existsSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { ContainerInfo_Type, isolator as api, Volume_Mode, Volume_Source_Type } from "@mesos/proto";
import { join } from "node:path";
import { seccompSupported } from "@mesos/linux";
import { connectIsolator } from "@mesos/plugin-api";
import { isolatorContract } from "@mesos/plugin-api/contract";
import { startDaemon, stopAllDaemons } from "../support/binary.ts";
import { tempDir } from "../support/cluster.ts";

afterAll(stopAllDaemons);

async function serve(name: string, flags: string[]) {
  const socket = join(tempDir("served"), "isolator.sock");
  const daemon = startDaemon(["isolator", "serve", name, `--socket=${socket}`, ...flags]);
  await daemon.waitFor(/Serving isolator/);
  const isolator = await connectIsolator({ name, endpoint: `unix://${socket}` });
  return { isolator, socket, teardown: () => void daemon.kill("SIGTERM") };
}

isolatorContract("network/ports (mesos isolator serve, over Connect)", () =>
  serve("network/ports", ["--enforce_container_ports", "--container_ports_watch_interval=100ms"]),
);

isolatorContract("volume/host_path (mesos isolator serve, over Connect)", () =>
  serve("volume/host_path", [`--host_path_volume_force_creation=${tempDir("allowed")}`]),
);
isolatorContract("volume/sandbox_path (mesos isolator serve, over Connect)", () => serve("volume/sandbox_path", []));
isolatorContract("volume/secret (mesos isolator serve, over Connect)", () => serve("volume/secret", [`--runtime_dir=${tempDir("runtime")}`]));

test("volume/host_path out of process: a missing host path is created inside the allow-list, refused outside it", async () => {
  const allowed = tempDir("allowed");
  const { isolator, teardown } = await serve("volume/host_path", [`--host_path_volume_force_creation=${allowed}`]);
  try {
    const sandbox = tempDir("sandbox");
    const config = (path: string) =>
      create(api.ContainerConfigSchema, {
        containerId: { value: `c${Date.now()}` },
        directory: sandbox,
        containerInfo: {
          type: ContainerInfo_Type.MESOS,
          volumes: [{ mode: Volume_Mode.RO, containerPath: "v", source: { type: Volume_Source_Type.HOST_PATH, hostPath: { path } } }],
        },
      });
    const info = await isolator.prepare!(config(join(allowed, "a", "b")));
    expect(info?.mounts).toEqual([
      expect.objectContaining({ type: api.Mount_Type.BIND, source: join(allowed, "a", "b"), target: join(sandbox, "v"), readOnly: true }),
    ]);
    expect(existsSync(join(allowed, "a", "b"))).toBe(true);
    await expect(isolator.prepare!(config(join(allowed, "..", "elsewhere")))).rejects.toThrow("is not whitelisted for creation");
  } finally {
    teardown();
  }
});

const isRoot = process.getuid?.() === 0;
const support = seccompSupported();
isolatorContract(
  "linux/seccomp (mesos isolator serve, over Connect)",
  () => {
    const dir = tempDir("seccomp-served");
    copyFileSync(
      new URL("../../plugins/linux-seccomp/test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname,
      join(dir, "default.json"),
    );
    return serve("linux/seccomp", [`--seccomp_config_dir=${dir}`, "--seccomp_profile_name=default.json"]);
  },
  { skip: !isRoot ? "it needs root" : support.supported ? undefined : `the kernel cannot run seccomp filters: ${support.reason}` },
);

test("the served isolator speaks the agent's API version and calls itself by its name", async () => {
  const { isolator, socket, teardown } = await serve("network/ports", []);
  try {
    expect(isolator.apiVersion).toBe("v1");
    expect(isolator.pluginInfo.name).toBe("network/ports");
    expect(isolator.pluginInfo.vendorVersion).toContain("mesos-ts");
    await expect(connectIsolator({ name: "linux/seccomp", endpoint: `unix://${socket}` })).rejects.toThrow(
      `Isolator plugin 'linux/seccomp' at unix://${socket} calls itself 'network/ports', not 'linux/seccomp'`,
    );
  } finally {
    teardown();
  }
});
