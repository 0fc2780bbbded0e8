/** Both sides of an isolator plugin in one process: serveIsolator on a unix socket, connectIsolator to it. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { existsSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { mountConnect } from "@mesos/rpc";
import { Hono } from "hono";
import { ContainerIDSchema, isolator as api, ResourceSchema, TaskStatus_Reason } from "@mesos/proto";
import type { Isolator } from "./isolator.ts";
import { connectIsolator } from "./remote-isolator.ts";
import { serveIsolator, type ServedIsolator } from "./serve-isolator.ts";

const served: ServedIsolator[] = [];
afterAll(async () => {
  for (const s of served) await s.stop();
});

async function pair(isolator: Isolator, heartbeatMs = 10_000) {
  const socket = join(mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "remote-")), "p.sock");
  served.push(serveIsolator(isolator, { socket, heartbeatMs, vendorVersion: "9.9" }));
  return connectIsolator({ name: isolator.name, endpoint: `unix://${socket}` });
}

const id = create(ContainerIDSchema, { value: "c1", parent: { value: "p" } });

test("every step crosses the socket with its messages intact", async () => {
  const seen: string[] = [];
  const remote = await pair({
    name: "t/all",
    recover: async (states, orphans) => void seen.push(`recover ${states.length} ${orphans[0]?.value}`),
    prepare: async (c) => (
      seen.push(`prepare ${c.containerId!.value} ${c.directory}`),
      { environment: { variables: [{ name: "X", value: "1" }] }, seccompFilter: new Uint8Array(8).fill(3) }
    ),
    isolate: async (c, pid) => void seen.push(`isolate ${c.parent?.value}.${c.value} ${pid}`),
    update: async (_, r) => void seen.push(`update ${r[0]?.name}`),
    usage: async () => ({ cpusLimit: 2, memLimitBytes: 5n }),
    status: async () => ({ executorPid: 77 }),
    cleanup: async () => void seen.push("cleanup"),
  });
  expect(remote.apiVersion).toBe("v1");
  expect(remote.pluginInfo.vendorVersion).toBe("9.9");
  await remote.recover!([], [create(ContainerIDSchema, { value: "o" })]);
  const info = await remote.prepare!(create(api.ContainerConfigSchema, { containerId: id, directory: "/sb" }));
  expect(info).toMatchObject({ environment: { variables: [{ name: "X", value: "1" }] }, seccompFilter: new Uint8Array(8).fill(3) });
  await remote.isolate!(id, 42);
  await remote.update!(id, [create(ResourceSchema, { name: "cpus", type: 0, scalar: { value: 1 } })]);
  expect(await remote.usage!(id)).toMatchObject({ cpusLimit: 2, memLimitBytes: 5n });
  expect(await remote.status!(id)).toMatchObject({ executorPid: 77 });
  await remote.cleanup!(id);
  expect(seen).toEqual(["recover 0 o", "prepare c1 /sb", "isolate p.c1 42", "update cpus", "cleanup"]);
});

test("watch: a limitation while it runs, heartbeats meanwhile", async () => {
  let fire!: () => void;
  const remote = await pair(
    {
      name: "t/limit",
      watch: () => new Promise((resolve) => (fire = () => resolve({ message: "too much", reason: TaskStatus_Reason.CONTAINER_LIMITATION }))),
    },
    20,
  );
  const watching = remote.watch!(id, new AbortController().signal);
  await Bun.sleep(100); // a few heartbeats go by
  fire();
  expect(await watching).toMatchObject({ message: "too much", reason: TaskStatus_Reason.CONTAINER_LIMITATION });
});

test("watch: when the container ends (abort), Unwatch asks for the plugin's last word", async () => {
  const remote = await pair({
    name: "t/final",
    watch: (_, signal) => new Promise((resolve) => signal.addEventListener("abort", () => resolve({ message: "seen at the end" }))),
  });
  const ended = new AbortController();
  const watching = remote.watch!(id, ended.signal);
  await Bun.sleep(50);
  ended.abort();
  expect(await watching).toMatchObject({ message: "seen at the end" });

  const quiet = await pair({ name: "t/quiet", watch: (_, s) => new Promise((r) => s.addEventListener("abort", () => r(undefined))) });
  const over = new AbortController();
  const w = quiet.watch!(id, over.signal);
  await Bun.sleep(50);
  over.abort();
  expect(await w).toBeUndefined();
});

test("a plugin's error reaches the agent with the plugin, the call and the message", async () => {
  const remote = await pair({ name: "t/fails", prepare: async () => Promise.reject(new Error("no profile 'x'")) });
  await expect(remote.prepare!(create(api.ContainerConfigSchema, { containerId: id, directory: "/sb" }))).rejects.toThrow(
    /^Isolator plugin 't\/fails' at unix:\/\/.*p\.sock failed Prepare: no profile 'x'$/,
  );
});

test("metrics: a plugin's gauges reach the agent; one without the Metrics call (an older v1 plugin) has none", async () => {
  const remote = await pair({ name: "t/gauges", metrics: async () => ({ "containerizer/mesos/disk/project_ids_free": 7 }) });
  expect(await remote.metrics!()).toEqual({ "containerizer/mesos/disk/project_ids_free": 7 });

  // An older plugin: Identity and Isolator as before, Metrics left out (Connect answers Unimplemented).
  const socket = join(mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "remote-")), "old.sock");
  if (existsSync(socket)) unlinkSync(socket);
  const app = new Hono();
  mountConnect(app, (router) => {
    router.service(api.Identity, { getPluginInfo: () => ({ name: "t/old", apiVersions: ["v1"] }) });
    router.service(api.Isolator, { cleanup: () => ({}) });
  });
  const server = Bun.serve({ unix: socket, fetch: app.fetch });
  try {
    const old = await connectIsolator({ name: "t/old", endpoint: `unix://${socket}` });
    expect(old.apiVersion).toBe("v1");
    expect(await old.metrics!()).toEqual({});
    expect(await old.metrics!()).toEqual({});
    await old.cleanup!(id);
  } finally {
    await server.stop(true);
  }
});
