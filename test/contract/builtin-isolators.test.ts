/**
 * Every built-in isolator passes the isolator contract (@mesos/plugin-api/contract), on this
 * host's real cgroups where they need them.
 */
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ManualClock, parseFlags, silentLogger } from "@mesos/core";
import { seccompSupported } from "@mesos/linux";
import { connectIsolator, serveIsolator } from "@mesos/plugin-api";
import { isolatorContract } from "@mesos/plugin-api/contract";
import { createSeccompIsolator, systemSeccompHost } from "@mesos/plugin-linux-seccomp/isolator";
import { type NetworkPortsIsolator, networkPortsAgentFlagSpecs, networkPortsFlagSpecs, networkPortsPlugin } from "@mesos/plugin-network-ports";
import { createCgroupsHost, createCpuIsolator, createMemIsolator, findCgroupMounts, resolveController } from "@mesos/plugin-cgroups";
import { createPosixCpuIsolator, createPosixMemIsolator } from "@mesos/plugin-posix";
import { createDockerRuntimeIsolator } from "@mesos/plugin-docker-runtime";
import { createFilesystemLinuxIsolator } from "@mesos/plugin-filesystem-linux";
import { createHostPathIsolator, createSandboxPathIsolator, createSecretIsolator, parseForceCreation } from "@mesos/plugin-volume";
import { tempDir, testCgroupsRoot } from "../support/cluster.ts";

function cgroupsSkip(controller: string): string | undefined {
  if (process.getuid?.() !== 0) return "it needs root";
  try {
    resolveController(controller, findCgroupMounts(), "auto");
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const host = () => createCgroupsHost({ hierarchy: "/sys/fs/cgroup", root: testCgroupsRoot(), version: "auto" });

isolatorContract("cgroups/cpu", async () => ({ isolator: createCpuIsolator({ host: host(), enableCfs: true }) }), { skip: cgroupsSkip("cpu") });
isolatorContract("cgroups/mem", async () => ({ isolator: createMemIsolator({ host: host(), limitSwap: false }) }), { skip: cgroupsSkip("memory") });
isolatorContract("posix/cpu", async () => ({ isolator: createPosixCpuIsolator() }));
isolatorContract("posix/mem", async () => ({ isolator: createPosixMemIsolator() }));
isolatorContract("filesystem/linux", async () => ({
  isolator: createFilesystemLinuxIsolator({ workDir: tempDir("fs-linux"), sandboxDirectory: "/mnt/mesos/sandbox" }),
}));
isolatorContract("volume/host_path", async () => ({
  isolator: createHostPathIsolator({ sandboxDirectory: "/mnt/mesos/sandbox", creation: parseForceCreation(tempDir("allowed")) }),
}));
isolatorContract("volume/sandbox_path", async () => ({
  isolator: createSandboxPathIsolator({ sandboxDirectory: "/mnt/mesos/sandbox", bindMounts: true, log: silentLogger }),
}));
isolatorContract("volume/secret", async () => ({
  isolator: createSecretIsolator({ sandboxDirectory: "/mnt/mesos/sandbox", runtimeDir: tempDir("runtime") }),
}));
isolatorContract("docker/runtime", async () => ({ isolator: createDockerRuntimeIsolator() }));

// A built-in isolator is a plugin like any other: served over mesos.isolator.v1 on a unix socket
// and reached through the remote adapter, it passes the same contract.
isolatorContract("posix/cpu (served over Connect)", async () => {
  const socket = join(tempDir("posix-plugin"), "posix-cpu.sock");
  const served = serveIsolator(createPosixCpuIsolator(), { socket });
  const isolator = await connectIsolator({ name: "posix/cpu", endpoint: `unix://${socket}` });
  return { isolator, teardown: () => served.stop() };
});

function seccompSkip(): string | undefined {
  if (process.getuid?.() !== 0) return "it needs root";
  const support = seccompSupported();
  return support.supported ? undefined : `the kernel cannot run seccomp filters: ${support.reason}`;
}

// With the Mesos 1.8 example profile as the agent default, so every container gets a filter.
isolatorContract(
  "linux/seccomp",
  async () => {
    const dir = tempDir("seccomp-contract");
    copyFileSync(
      new URL("../../plugins/linux-seccomp/test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname,
      join(dir, "default.json"),
    );
    const isolator = createSeccompIsolator({
      configDir: dir,
      defaultProfile: "default.json",
      log: silentLogger,
      host: systemSeccompHost(() => undefined),
    });
    return { isolator, teardown: () => rmSync(dir, { recursive: true, force: true }) };
  },
  { skip: seccompSkip() },
);

// In the agent's process, as the agent builds it (linux launcher, enforcing, every port watched).
isolatorContract("network/ports", async () => {
  const { values } = parseFlags({ ...networkPortsFlagSpecs, ...networkPortsAgentFlagSpecs }, ["--enforce_container_ports"], {});
  const isolator = await networkPortsPlugin.create(values, {
    log: silentLogger,
    clock: new ManualClock(),
    agent: { launcher: "linux", isolation: ["network/ports"] },
  });
  return { isolator, teardown: () => (isolator as NetworkPortsIsolator).close() };
});
