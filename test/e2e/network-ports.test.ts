/**
 * network/ports through real task launches on the compiled agent (root: the linux launcher), once
 * with the isolator in the agent's process and once served out of process by `mesos isolator
 * serve network/ports` and reached through --isolator_plugins. Tasks run listen.ts on the ports
 * they name. "Still running" is checked after the isolator has logged two more scans than it had
 * when the task was listening: no wall-clock assertions.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { isTerminalState } from "@mesos/core";
import { type Offer, TaskState, type TaskStatus, TaskStatus_Reason, TaskStatus_Source, Value_Type } from "@mesos/proto";
import { type Daemon, runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";
import { eventually, startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";

const LISTEN_PROGRAM = new URL("../../plugins/network-ports/test-fixtures/listen.ts", import.meta.url).pathname;
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("SKIPPING the network/ports end-to-end tests: the isolator needs the linux launcher, which needs root");

const cleanup = useCleanups();
afterAll(stopAllDaemons);

/** `count` consecutive ports free on IPv4 and IPv6, below the usual ephemeral range. */
async function portBlock(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "::", () => s.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await free(p);
    if (ok) return base;
  }
}

type Mode = "in process" | "out of process";

interface Node {
  agent: Daemon;
  /** Where the isolator logs: the agent, or the plugin server. */
  isolator: Daemon;
  workDir: string;
  stop(): Promise<void>;
}

/** An agent with network/ports and `isolatorFlags`, the isolator in its process or served beside it. */
async function startNode(mode: Mode, master: string, ports: string, isolatorFlags: string[], workDir = tempDir("agent")): Promise<Node> {
  const flags = ["--logging_level=debug", ...isolatorFlags];
  let plugin: Daemon | undefined;
  const agentArgs = [
    "agent",
    `--master=${master}`,
    `--work_dir=${workDir}`,
    "--port=0",
    `--resources=cpus:4;mem:4096;disk:1000;ports:${ports}`,
    "--registration_backoff_factor=10ms",
    "--isolation=network/ports",
  ];
  if (mode === "in process") agentArgs.push(...flags);
  else {
    const socket = join(tempDir("ports-plugin"), "network-ports.sock");
    plugin = startDaemon(["isolator", "serve", "network/ports", `--socket=${socket}`, ...flags]);
    await plugin.waitFor(/Serving isolator 'network\/ports'/);
    agentArgs.push(`--isolator_plugins=network/ports=unix://${socket}`);
  }
  const agent = startDaemon(agentArgs);
  await agent.waitFor(/Registered with master/);
  if (plugin) expect(agent.output()).toContain("Isolator plugin 'network/ports' at unix://");
  const node = {
    agent,
    isolator: plugin ?? agent,
    workDir,
    async stop() {
      await agent.kill("SIGKILL");
      await plugin?.kill("SIGKILL");
    },
  };
  cleanup(() => node.stop());
  return node;
}

/** A master, a node with `isolatorFlags(b)` offering ports [b, b+9] (b+10..b+19 are free too), a framework. */
async function cluster(mode: Mode, isolatorFlags: (b: number) => string[], checkpoint = false) {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const b = await portBlock(20);
  const address = master.url.replace("http://", "");
  const node = await startNode(mode, address, `[${b}-${b + 9}]`, isolatorFlags(b));
  const fw = await startTestFramework(master.url, { checkpoint });
  cleanup(() => fw.close());
  return { b, address, node, fw };
}

const scans = (d: Daemon) => (d.output().match(/Checked \d+ containers/g) ?? []).length;

/** Waits until the isolator has scanned `n` more times. */
async function moreScans(d: Daemon, n = 2): Promise<void> {
  const target = scans(d) + n;
  await eventually(() => scans(d) >= target, 20_000, `${n} more network/ports scans`);
}

interface TaskSpec {
  id: string;
  listen: string[];
  ports?: number[];
}

const resources = (ports: number[] = []) => [
  { name: "cpus", type: Value_Type.SCALAR, scalar: { value: 0.1 } },
  { name: "mem", type: Value_Type.SCALAR, scalar: { value: 32 } },
  ...(ports.length > 0
    ? [{ name: "ports", type: Value_Type.RANGES, ranges: { range: ports.map((p) => ({ begin: BigInt(p), end: BigInt(p) })) } }]
    : []),
];

const command = (listen: string[]) => ({ value: [process.execPath, LISTEN_PROGRAM, ...listen].join(" ") });

/** Launches `tasks`, as command tasks or (with an executor id) one task group; returns the agent id. */
async function launch(fw: TestFramework, tasks: TaskSpec[], executorId?: string): Promise<string> {
  // Resources freed by an ended task come in an offer of their own: take one with every port needed and room.
  const fits = (o: Offer) => {
    const ranges = o.resources.filter((r) => r.name === "ports").flatMap((r) => r.ranges?.range ?? []);
    const cpus = o.resources.find((r) => r.name === "cpus")?.scalar?.value ?? 0;
    const needed = tasks.flatMap((t) => t.ports ?? []);
    return cpus >= 0.1 * (tasks.length + 1) && needed.every((p) => ranges.some((r) => r.begin <= BigInt(p) && BigInt(p) <= r.end));
  };
  let offer: Offer | undefined;
  while (!offer) offer = (await fw.nextOffers()).find(fits);
  const taskInfos = tasks.map((t) => ({
    name: t.id,
    taskId: { value: t.id },
    agentId: offer!.agentId,
    command: command(t.listen),
    resources: resources(t.ports),
  }));
  const disk = { name: "disk", type: Value_Type.SCALAR, scalar: { value: 10 } };
  const executor = { type: 1, executorId: { value: executorId }, resources: [...resources(), disk] };
  const operation = executorId ? { type: 6, launchGroup: { executor, taskGroup: { tasks: taskInfos } } } : { type: 1, launch: { taskInfos } };
  await fw.sub.accept([offer!.id!.value], [operation], 0);
  return offer!.agentId!.value;
}

/** Waits until the task's listen.ts has bound its sockets (it prints `listening`). */
async function listening(node: Node, fw: TestFramework, agentId: string, taskId: string, executorId?: string): Promise<void> {
  const executors = join(node.workDir, "slaves", agentId, "frameworks", fw.sub.frameworkId, "executors");
  const stdout = executorId
    ? join(executors, executorId, "runs", "latest", "tasks", taskId, "stdout")
    : join(executors, taskId, "runs", "latest", "stdout");
  await eventually(
    () => {
      try {
        return readFileSync(stdout, "utf8").includes("listening");
      } catch {
        return false;
      }
    },
    20_000,
    `task ${taskId} to listen`,
  );
}

const terminal = (fw: TestFramework, taskId: string) => fw.statuses.find((s) => s.taskId?.value === taskId && isTerminalState(s.state));

function expectPortsLimitation(status: TaskStatus, port: number, socket: string): void {
  expect(status.state).toBe(TaskState.TASK_FAILED);
  expect(status.reason).toBe(TaskStatus_Reason.CONTAINER_LIMITATION);
  expect(status.source).toBe(TaskStatus_Source.AGENT);
  expect(status.message).toMatch(new RegExp(`^Container [\\w.-]+ is listening on unallocated port\\(s\\): \\[${port}-${port}\\] \\(${socket}\\)$`));
  expect(status.limitation?.resources).toMatchObject([{ name: "ports", ranges: { range: [{ begin: BigInt(port), end: BigInt(port) }] } }]);
}

describe.each(["in process", "out of process"] as const)("network/ports %s", (mode) => {
  test.skipIf(!isRoot)(
    "allocated ports are fine, an unallocated one in the range is killed, outside the range is tolerated, IPv6 is caught, UDP is not without the flag",
    async () => {
      const { b, node, fw } = await cluster(mode, (b) => [
        "--enforce_container_ports",
        "--container_ports_watch_interval=200ms",
        `--container_ports_isolated_range=[${b}-${b + 9}]`,
      ]);
      const agentId = await launch(fw, [
        { id: "allocated", listen: [`tcp:0.0.0.0:${b + 1}`], ports: [b + 1] },
        { id: "unallocated", listen: [`tcp:0.0.0.0:${b + 5}`] },
        { id: "outside", listen: [`tcp:127.0.0.1:${b + 15}`] },
        { id: "ipv6", listen: [`tcp6:::1:${b + 6}`] },
        { id: "udp", listen: [`udp:127.0.0.1:${b + 7}`] },
      ]);
      expectPortsLimitation(await fw.waitForStatus("unallocated", TaskState.TASK_FAILED, 30_000), b + 5, `tcp 0.0.0.0:${b + 5}`);
      expectPortsLimitation(await fw.waitForStatus("ipv6", TaskState.TASK_FAILED, 30_000), b + 6, `tcp6 \\[::1\\]:${b + 6}`);
      for (const id of ["allocated", "outside", "udp"]) await listening(node, fw, agentId, id);
      await moreScans(node.isolator);
      for (const id of ["allocated", "outside", "udp"]) expect(terminal(fw, id)).toBeUndefined();
    },
    90_000,
  );

  test.skipIf(!isRoot)(
    "UDP with --container_ports_check_udp; a nested container may listen on its root's ports, elsewhere the whole group is killed",
    async () => {
      const { b, node, fw } = await cluster(mode, () => [
        "--enforce_container_ports",
        "--container_ports_watch_interval=200ms",
        "--container_ports_check_udp",
      ]);
      await launch(fw, [{ id: "udp", listen: [`udp6:::1:${b + 1}`] }]);
      expectPortsLimitation(await fw.waitForStatus("udp", TaskState.TASK_FAILED, 30_000), b + 1, `udp6 \\[::1\\]:${b + 1}`);

      // "user" listens on the port allocated to "owner": both are in the tree of one executor container.
      const agentId = await launch(
        fw,
        [
          { id: "owner", listen: [], ports: [b + 2] },
          { id: "user", listen: [`tcp:127.0.0.1:${b + 2}`] },
        ],
        "fine",
      );
      await listening(node, fw, agentId, "user", "fine");
      await moreScans(node.isolator);
      for (const id of ["owner", "user"]) expect(terminal(fw, id)).toBeUndefined();

      await launch(
        fw,
        [
          { id: "quiet", listen: [], ports: [b + 3] },
          { id: "loud", listen: [`tcp:127.0.0.1:${b + 4}`] },
        ],
        "stray",
      );
      for (const id of ["quiet", "loud"])
        expectPortsLimitation(await fw.waitForStatus(id, TaskState.TASK_FAILED, 30_000), b + 4, `tcp 127.0.0.1:${b + 4}`);
      expect(terminal(fw, "loud")!.message).toStartWith(`Container ${terminal(fw, "loud")!.containerStatus!.containerId!.parent!.value}.`);
      for (const id of ["owner", "user"]) expect(terminal(fw, id)).toBeUndefined();
    },
    90_000,
  );

  test.skipIf(!isRoot)(
    "without enforcement a violation is logged once and the task runs on; after an agent restart with enforcement it is killed",
    async () => {
      const { b, address, node: first, fw } = await cluster(mode, () => ["--container_ports_watch_interval=200ms"], true);
      const agentId = await launch(fw, [{ id: "stray", listen: [`tcp:127.0.0.1:${b + 3}`] }]);
      await listening(first, fw, agentId, "stray");
      const logged = `is listening on unallocated port(s): [${b + 3}-${b + 3}] (tcp 127.0.0.1:${b + 3})`;
      await first.isolator.waitFor(new RegExp(logged.replace(/[()[\]]/g, "\\$&")));
      await moreScans(first.isolator, 3);
      expect(first.isolator.output().split(logged).length - 1).toBe(1);
      expect(terminal(fw, "stray")).toBeUndefined();

      await first.stop();
      const second = await startNode(
        mode,
        address,
        `[${b}-${b + 9}]`,
        ["--container_ports_watch_interval=200ms", "--enforce_container_ports"],
        first.workDir,
      );
      await second.agent.waitFor(/Recovered 1 tasks and 1 containers/);
      expectPortsLimitation(await fw.waitForStatus("stray", TaskState.TASK_FAILED, 30_000), b + 3, `tcp 127.0.0.1:${b + 3}`);
    },
    90_000,
  );

  test("both range flags, or the posix launcher, stop it at start-up with a message", async () => {
    const both = ["--check_agent_port_range_only", "--container_ports_isolated_range=[0-35000]"];
    const r =
      mode === "in process"
        ? await runMesos(["agent", "--master=127.0.0.1:1", `--work_dir=${tempDir("agent")}`, "--port=0", "--isolation=network/ports", ...both])
        : await runMesos(["isolator", "serve", "network/ports", `--socket=${join(tempDir("ports-plugin"), "s.sock")}`, ...both]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "Cannot use isolator 'network/ports': Only one of `--check_agent_port_range_only` or '--container_ports_isolated_range` should be specified",
    );
    if (mode === "in process") {
      const posix = await runMesos([
        "agent",
        "--master=127.0.0.1:1",
        `--work_dir=${tempDir("agent")}`,
        "--port=0",
        "--isolation=network/ports",
        "--launcher=posix",
      ]);
      expect(posix.code).toBe(1);
      expect(posix.stderr).toContain("Cannot use isolator 'network/ports': The 'network/ports' isolator requires the 'linux' launcher");
    }
  });
});
