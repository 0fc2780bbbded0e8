/**
 * Built-in plugin isolators out of process: `mesos isolator serve NAME` (the compiled binary)
 * reached over its unix socket through `connectIsolator`, with the version negotiation the agent
 * uses, passes the same contract as the in-process forms (builtin-isolators.test.ts).
 */
import { afterAll, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
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
