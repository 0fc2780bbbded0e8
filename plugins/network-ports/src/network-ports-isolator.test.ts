/**
 * The isolator against real listening processes: root containers' inits as PID 1 of a PID
 * namespace of their own (as the linux launcher makes them; needs root), nested containers in
 * their root's namespace, and plain process trees.
 */
import { afterEach, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { createLogger, ManualClock } from "@mesos/core";
import { containerIdString, parseContainerId } from "@mesos/plugin-api";
import { type ContainerID, isolator as api, ResourceSchema, TaskStatus_Reason, Value_Type } from "@mesos/proto";
import type { Subprocess } from "bun";
import { freePort, startListener, type Where } from "../test-fixtures/listeners.ts";
import { createNetworkPortsIsolator, type NetworkPortsIsolatorOptions } from "./network-ports-isolator.ts";
import type { PortRanges } from "./port-ranges.ts";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("SKIPPING the network/ports tests with PID namespaces: they need root");
const ownNamespace: Where = isRoot ? { new: true } : "plain";

const processes: Subprocess[] = [];
const isolators: { close(): void }[] = [];
async function killAll(): Promise<void> {
  const all = processes.splice(0);
  for (const p of all) p.kill("SIGKILL");
  await Promise.all(all.map((p) => p.exited));
}
afterEach(async () => {
  await killAll();
  for (const i of isolators.splice(0)) i.close();
});

function setup(options: Partial<NetworkPortsIsolatorOptions> = {}) {
  const lines: string[] = [];
  const clock = new ManualClock();
  const isolator = createNetworkPortsIsolator({
    enforce: true,
    intervalMs: 1000,
    checkUdp: false,
    log: createLogger({ name: "test", level: "debug", sink: (l) => lines.push(l) }),
    clock,
    ...options,
  });
  isolators.push(isolator);
  return { isolator, clock, lines };
}

let counter = 0;
const newId = (parent?: ContainerID) => parseContainerId(`${parent ? `${containerIdString(parent)}.` : ""}c${process.pid}-${counter++}`);

const portsResource = (ranges: PortRanges) =>
  create(ResourceSchema, {
    name: "ports",
    type: Value_Type.RANGES,
    ranges: { range: ranges.map(([b, e]) => ({ begin: BigInt(b), end: BigInt(e) })) },
  });

const config = (id: ContainerID, ports: PortRanges = []) =>
  create(api.ContainerConfigSchema, {
    containerId: id,
    directory: "/tmp",
    resources: [{ name: "cpus", type: Value_Type.SCALAR, scalar: { value: 1 } }, portsResource(ports)],
  });

/** Prepares and isolates a container whose init listens on `specs` (none: sleeps). */
async function launch(
  iso: ReturnType<typeof setup>["isolator"],
  ports: PortRanges,
  specs: string[],
  where: Where = ownNamespace,
  parent?: ContainerID,
) {
  const id = newId(parent);
  await iso.prepare!(config(id, ports));
  const proc = await startListener(specs, where);
  processes.push(proc);
  await iso.isolate!(id, proc.pid);
  const ended = new AbortController();
  let settled = false;
  const watching = iso.watch!(id, ended.signal).finally(() => (settled = true));
  return { id, proc, ended, watching, settled: () => settled };
}

test("an allocated port is fine; an unallocated one is a limitation with Mesos's message, the reason and the port", async () => {
  const { isolator } = setup();
  const [allowed, other] = [await freePort(), await freePort()];
  const good = await launch(isolator, [[allowed, allowed]], [`tcp:127.0.0.1:${allowed}`]);
  const bad = await launch(isolator, [[allowed + 1, allowed + 1]], [`tcp:0.0.0.0:${other}`]);
  expect(isolator.scanNow()).toMatchObject({ containers: 2, violations: 1, walked: true });
  const limitation = await bad.watching;
  expect(limitation).toEqual({
    reason: TaskStatus_Reason.CONTAINER_LIMITATION,
    message: `Container ${containerIdString(bad.id)} is listening on unallocated port(s): [${other}-${other}] (tcp 0.0.0.0:${other})`,
    resources: [{ name: "ports", type: Value_Type.RANGES, ranges: { range: [{ begin: BigInt(other), end: BigInt(other) }] } }],
  });
  expect(good.settled()).toBe(false);
  good.ended.abort();
  expect(await good.watching).toBeUndefined();
});

test("a port outside the watched range is tolerated; inside it is not", async () => {
  const port = await freePort();
  const outside = setup({ watched: [[port + 1, 65535]] });
  await launch(outside.isolator, [], [`tcp:127.0.0.1:${port}`]);
  expect(outside.isolator.scanNow()).toMatchObject({ violations: 0 });
  await killAll();
  const inside = setup({ watched: [[port, port]] });
  const c = await launch(inside.isolator, [], [`tcp:127.0.0.1:${port}`]);
  expect(inside.isolator.scanNow()).toMatchObject({ violations: 1 });
  expect((await c.watching)?.message).toContain(`[${port}-${port}]`);
});

test("an IPv6-only listener on ::1 is caught (Mesos looked at IPv4 only)", async () => {
  const { isolator } = setup();
  const port = await freePort();
  const c = await launch(isolator, [], [`tcp6:::1:${port}`]);
  isolator.scanNow();
  expect((await c.watching)?.message).toEndWith(`[${port}-${port}] (tcp6 [::1]:${port})`);
});

test("bound UDP sockets count only with --container_ports_check_udp", async () => {
  const port = await freePort();
  const tcpOnly = setup();
  await launch(tcpOnly.isolator, [], [`udp:127.0.0.1:${port}`, `udp6:::1:${port}`]);
  expect(tcpOnly.isolator.scanNow()).toMatchObject({ violations: 0 });
  await killAll();
  const udp = setup({ checkUdp: true });
  const c = await launch(udp.isolator, [], [`udp:127.0.0.1:${port}`, `udp6:::1:${port}`]);
  udp.isolator.scanNow();
  expect((await c.watching)?.message).toEndWith(`[${port}-${port}] (udp 127.0.0.1:${port}, udp6 [::1]:${port})`);
});

test("without enforcement a violation is logged once per new set, and the container is left alone", async () => {
  const { isolator, lines } = setup({ enforce: false });
  const [p1, p2] = [await freePort(), await freePort()];
  const c = await launch(isolator, [], [`tcp:127.0.0.1:${p1}`]);
  isolator.scanNow();
  isolator.scanNow();
  const logged = () => lines.filter((l) => l.includes("is listening on unallocated port(s)"));
  expect(logged()).toHaveLength(1);
  expect(logged()[0]).toStartWith("W");
  // A second listener in the same container: a new set, logged again.
  processes.push(await startListener([`tcp:127.0.0.1:${p2}`], isRoot ? { joinPid: c.proc.pid } : "plain"));
  isolator.scanNow();
  expect(logged()).toHaveLength(isRoot ? 2 : 1);
  expect(c.settled()).toBe(false);
  // Allocating the ports ends the violation (it is checked against the update).
  await isolator.update!(c.id, [
    portsResource([
      [p1, p1],
      [p2, p2],
    ]),
  ]);
  expect(isolator.scanNow()).toMatchObject({ violations: 0 });
});

test.skipIf(!isRoot)("a nested container may listen on its root's ports; elsewhere it is named and the whole tree is limited", async () => {
  const { isolator } = setup();
  const [allocated, other] = [await freePort(), await freePort()];
  const root = await launch(isolator, [[allocated, allocated]], []);
  const fine = await launch(isolator, [], [`tcp:127.0.0.1:${allocated}`], { joinPid: root.proc.pid }, root.id);
  expect(isolator.scanNow()).toMatchObject({ violations: 0 });
  const bad = await launch(isolator, [], [`tcp:127.0.0.1:${other}`], { joinPid: root.proc.pid }, root.id);
  isolator.scanNow();
  const expected = `Container ${containerIdString(bad.id)} is listening on unallocated port(s): [${other}-${other}] (tcp 127.0.0.1:${other})`;
  for (const c of [root, fine, bad]) expect((await c.watching)?.message).toBe(expected);
  // Once limited, a new watch (the agent's, after a restart of a plugin) gets it at once.
  expect((await isolator.watch!(fine.id, new AbortController().signal))?.message).toBe(expected);
});

test("a scan skips the walk over processes while the watched sockets and containers stay the same", async () => {
  const [p1, p2] = [await freePort(), await freePort()];
  // Only our ports are watched: other listeners on a busy host come and go.
  const { isolator } = setup({
    enforce: false,
    watched: [
      [Math.min(p1, p2), Math.min(p1, p2)],
      [Math.max(p1, p2), Math.max(p1, p2)],
    ],
  });
  const c = await launch(isolator, [[p1, p1]], [`tcp:127.0.0.1:${p1}`]);
  expect(isolator.scanNow()).toMatchObject({ walked: true, violations: 0 });
  expect(isolator.scanNow()).toMatchObject({ walked: false, violations: 0 });
  await isolator.update!(c.id, []);
  expect(isolator.scanNow()).toMatchObject({ walked: false, violations: 1 });
  processes.push(await startListener([`tcp:127.0.0.1:${p2}`]));
  expect(isolator.scanNow()).toMatchObject({ walked: true });
});

test("it scans every interval by the clock, and a recovered container is checked against its prepared config", async () => {
  const first = setup();
  const port = await freePort();
  const c = await launch(first.isolator, [], [`tcp:127.0.0.1:${port}`]);
  first.isolator.close();
  c.ended.abort();
  // The agent restarts: a new isolator recovers the running container from its checkpoint.
  const second = setup();
  await second.isolator.recover!([create(api.ContainerStateSchema, { containerId: c.id, pid: c.proc.pid, config: config(c.id) })], []);
  const watching = second.isolator.watch!(c.id, new AbortController().signal);
  second.clock.advance(999);
  expect(second.lines.some((l) => l.includes("unallocated"))).toBe(false);
  second.clock.advance(1);
  expect((await watching)?.message).toContain(`[${port}-${port}]`);
});

test("a root container without a PID namespace of its own is followed through its process tree", async () => {
  const { isolator, lines } = setup();
  const port = await freePort();
  const c = await launch(isolator, [], [`tcp:127.0.0.1:${port}`], "plain");
  expect(lines.some((l) => l.includes("is not PID 1 of a PID namespace of its own"))).toBe(true);
  isolator.scanNow();
  expect((await c.watching)?.message).toContain(`[${port}-${port}]`);
});

test("cleanup forgets a container (its watch resolves), is idempotent, and stops the scans when none is left", async () => {
  const { isolator, clock } = setup();
  const c = await launch(isolator, [], []);
  expect(clock.pendingTimers()).toBe(1);
  await isolator.cleanup!(c.id);
  await isolator.cleanup!(c.id);
  expect(await c.watching).toBeUndefined();
  expect(clock.pendingTimers()).toBe(0);
  await expect(isolator.prepare!(config(c.id))).resolves.toBeUndefined();
  await expect(isolator.prepare!(config(c.id))).rejects.toThrow("has already been prepared");
});
