/**
 * Isolator plugins in processes of their own, driven by the agent over Connect on unix sockets:
 * the example plugin takes part in a task's whole life cycle and can fail it with a limitation;
 * the agent starts plugins it is told how to start; plugins that are missing, too slow or speak no
 * version the agent knows stop the agent at start-up with a clear message.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serveIsolator } from "@mesos/plugin-api";
import { TaskState, TaskStatus_Reason } from "@mesos/proto";
import { eventually, startTestAgent, startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { createInMemoryAgent } from "../support/in-memory-agent.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { examplePluginCommand, startExamplePlugin, stopPlugins } from "../support/plugins.ts";

const cleanup = useCleanups();
afterAll(() => stopPlugins());

async function launch(fw: TestFramework, taskId: string, command: string) {
  await fw.launch(taskId, command);
}

const journalOf = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { step: string; container?: string; pid?: number });

async function clusterWith(flags: string[]) {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const agent = await startTestAgent(master, { flags });
  cleanup(() => agent.stop());
  await agent.registered;
  const fw = await startTestFramework(master.url);
  cleanup(() => fw.close());
  return { agent, fw };
}

describe("a remote isolator plugin", () => {
  test("takes part in the life cycle of a task: prepare, isolate, watch, cleanup, and its environment reaches the task", async () => {
    const dir = tempDir("plugin");
    const socket = join(dir, "example.sock");
    const journal = join(dir, "journal");
    await startExamplePlugin(socket, [`--journal=${journal}`]);
    const { agent, fw } = await clusterWith([`--isolator_plugins=example/sandbox=unix://${socket}`, "--isolation=posix/cpu,example/sandbox"]);
    await launch(fw, "plugged", 'echo "$EXAMPLE_ISOLATOR $EXAMPLE_CONTAINER_ID"');
    const finished = await fw.waitForStatus("plugged", TaskState.TASK_FINISHED);
    const container = finished.containerStatus!.containerId!.value;
    const sandbox = join(
      agent.ctx.workDir,
      "slaves",
      agent.ctx.info.id!.value,
      "frameworks",
      fw.sub.frameworkId,
      "executors",
      "plugged",
      "runs",
      container,
    );
    expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe(`example/sandbox ${container}\n`);
    await eventually(() => journalOf(journal).some((e) => e.step === "cleanup"), 5000, "the plugin's cleanup");
    const steps = journalOf(journal).filter((e) => e.container === container);
    expect(steps.map((e) => e.step)).toEqual(["prepare", "isolate", "watch", "cleanup"]);
    expect(steps[1]!.pid).toBeGreaterThan(0);
  });

  test("a limitation it reports fails the task with its reason and message", async () => {
    const dir = tempDir("plugin");
    const socket = join(dir, "example.sock");
    await startExamplePlugin(socket, ["--max_sandbox_mb=1", "--poll_interval_ms=50"]);
    const { fw } = await clusterWith([`--isolator_plugins=example/sandbox=unix://${socket}`, "--isolation=example/sandbox"]);
    await launch(fw, "filler", "head -c 3000000 /dev/zero > big; sleep 1000");
    const failed = await fw.waitForStatus("filler", TaskState.TASK_FAILED);
    expect(failed.reason).toBe(TaskStatus_Reason.CONTAINER_LIMITATION_DISK);
    // The plugin polls while the task writes 3 MB: it may catch the sandbox at any size above 1 MB.
    expect(failed.message).toMatch(/^Sandbox uses \d+\.\d MB, more than the 1 MB example\/sandbox allows$/);
    expect(failed.limitation?.resources[0]?.name).toBe("disk");
  });

  test("the agent starts a plugin described in a directory of JSON files", async () => {
    const dir = tempDir("plugin");
    const socket = join(dir, "example.sock");
    const journal = join(dir, "journal");
    const configDir = join(dir, "isolators.d");
    mkdirSync(configDir);
    writeFileSync(
      join(configDir, "example.json"),
      JSON.stringify({
        name: "example/sandbox",
        endpoint: `unix://${socket}`,
        command: examplePluginCommand(socket, [`--journal=${journal}`]),
        timeout: "10secs",
      }),
    );
    const { fw } = await clusterWith([`--isolator_plugins=${configDir}`, "--isolation=example/sandbox"]);
    await launch(fw, "auto", "true");
    await fw.waitForStatus("auto", TaskState.TASK_FINISHED);
    expect(journalOf(journal).map((e) => e.step)).toContain("prepare");
  });
});

describe("plugins the agent cannot use stop it at start-up", () => {
  // Built in memory: failing to start needs no master and no listener.
  const start = (flags: string[]) => createInMemoryAgent({ flags });

  test("a missing socket", async () => {
    const socket = join(tempDir("plugin"), "nobody-home.sock");
    await expect(start([`--isolator_plugins=example/sandbox=unix://${socket}`, "--isolation=example/sandbox"])).rejects.toThrow(
      `Isolator plugin 'example/sandbox' at unix://${socket} is not reachable (is the plugin running?)`,
    );
  });

  test("a plugin too slow to answer", async () => {
    const socket = join(tempDir("plugin"), "slow.sock");
    const silent = Bun.listen({ unix: socket, socket: { data() {} } }); // accepts, never answers
    cleanup(() => silent.stop(true));
    await expect(
      start([`--isolator_plugins=example/sandbox=unix://${socket}`, "--isolation=example/sandbox", "--isolator_plugin_timeout=300ms"]),
    ).rejects.toThrow(`Isolator plugin 'example/sandbox' at unix://${socket} did not answer GetPluginInfo within 300ms`);
  });

  test("a plugin that speaks no version this agent knows", async () => {
    const socket = join(tempDir("plugin"), "future.sock");
    const served = serveIsolator({ name: "example/sandbox" }, { socket, apiVersions: ["v0", "v9"] });
    cleanup(() => served.stop());
    await expect(start([`--isolator_plugins=example/sandbox=unix://${socket}`, "--isolation=example/sandbox"])).rejects.toThrow(
      `Isolator plugin 'example/sandbox' at unix://${socket} speaks isolator API versions [v0, v9]; this agent speaks [v1]`,
    );
  });

  test("a plugin that calls itself something else", async () => {
    const socket = join(tempDir("plugin"), "other.sock");
    const served = serveIsolator({ name: "other/name" }, { socket });
    cleanup(() => served.stop());
    await expect(start([`--isolator_plugins=example/sandbox=unix://${socket}`, "--isolation=example/sandbox"])).rejects.toThrow(
      "calls itself 'other/name', not 'example/sandbox'",
    );
  });

  test("a plugin command that dies before it serves", async () => {
    const dir = tempDir("plugin");
    const configDir = join(dir, "isolators.d");
    mkdirSync(configDir);
    writeFileSync(join(configDir, "x.json"), JSON.stringify({ name: "example/sandbox", endpoint: `unix://${dir}/x.sock`, command: ["/bin/false"] }));
    await expect(start([`--isolator_plugins=${configDir}`, "--isolation=example/sandbox"])).rejects.toThrow(
      `Isolator plugin 'example/sandbox' exited (1) before it served unix://${dir}/x.sock`,
    );
  });

  test("a malformed --isolator_plugins", async () => {
    await expect(start(["--isolator_plugins=example/sandbox", "--isolation=posix/cpu"])).rejects.toThrow(
      "--isolator_plugins entry 'example/sandbox' is not name=unix:///path.sock (nor a directory)",
    );
  });
});
