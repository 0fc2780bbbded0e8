/**
 * The example isolator plugin, in a process of its own and reached over its unix socket through
 * `connectIsolator`, passes the same contract as the built-in isolators.
 */
import { afterAll } from "bun:test";
import { join } from "node:path";
import { connectIsolator } from "@mesos/plugin-api";
import { isolatorContract } from "@mesos/plugin-api/contract";
import { tempDir } from "../support/cluster.ts";
import { startExamplePlugin, stopPlugins } from "../support/plugins.ts";

afterAll(() => stopPlugins());

isolatorContract("example/sandbox (a plugin process over Connect)", async () => {
  const socket = join(tempDir("plugin"), "example.sock");
  const proc = await startExamplePlugin(socket, ["--poll_interval_ms=50"]);
  const isolator = await connectIsolator({ name: "example/sandbox", endpoint: `unix://${socket}` });
  return { isolator, teardown: () => void proc.kill() };
});
