/**
 * The network/ports isolator's costs (root; needs busybox for `nc`):
 *
 * 1. One scan with 1,000 listening sockets spread over 100 containers: each container is a shell
 *    as PID 1 of a PID namespace of its own (as the linux launcher makes them) running 10
 *    `busybox nc -l` processes, so 1,100 container processes among the host's. Printed: listing
 *    the sockets (sock_diag, and the /proc/net fallback), a scan that walks the processes, and a
 *    scan that skips the walk because nothing changed.
 * 2. Kill latency with --container_ports_watch_interval=1secs: from the moment a task's process
 *    listens on an unallocated port to the framework's TASK_FAILED, through a real master and
 *    agent (in this process), with the isolator in the agent and served out of process.
 *
 *   npx bun bench/network-ports.ts [trials=10]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { agentFlagSpecs, type RunningAgent, startAgent } from "@mesos/agent";
import { subscribe } from "@mesos/client";
import { ManualClock, parseFlags, silentLogger } from "@mesos/core";
import { ALL_SOCKET_KINDS, createSocketLister, listPids, spawnInPidNamespace } from "@mesos/linux";
import { createHierarchicalAllocator, masterFlagSpecs, startMaster } from "@mesos/master";
import { parseContainerId } from "@mesos/plugin-api";
import { createNetworkPortsIsolator, createPortScanner } from "@mesos/plugin-network-ports";
import { create } from "@bufbuild/protobuf";
import { isolator as api, Offer_Operation_Type, scheduler, TaskState, Value_Type } from "@mesos/proto";

const TRIALS = Number(process.argv[2] ?? 10);
const ROOT = resolve(import.meta.dir, "..");
const LISTEN = join(ROOT, "plugins/network-ports/test-fixtures/listen.ts");
const MESOS = [process.execPath, join(ROOT, "apps/mesos/src/main.ts")];

if (process.getuid?.() !== 0) {
  console.error("bench/network-ports.ts needs root (containers in PID namespaces of their own)");
  process.exit(1);
}

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, min ${s[0]!.toFixed(1)} ms, max ${s.at(-1)!.toFixed(1)} ms (n=${s.length})`;
};

function time(n: number, fn: () => void): number[] {
  fn(); // warm up
  return Array.from({ length: n }, () => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  });
}

/** `count` free consecutive ports (nothing listens there now). */
function freeBlock(count: number): number {
  const used = new Set(
    createSocketLister()
      .list(ALL_SOCKET_KINDS)
      .map((s) => s.port),
  );
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    if (!Array.from({ length: count }, (_, i) => base + i).some((p) => used.has(p))) return base;
  }
}

async function scanCost(): Promise<void> {
  const CONTAINERS = 100;
  const PER = 10;
  const base = freeBlock(CONTAINERS * PER);
  const inits = Array.from({ length: CONTAINERS }, (_, c) => {
    const ports = Array.from({ length: PER }, (_, i) => base + c * PER + i);
    const script = `for p in ${ports.join(" ")}; do busybox nc -l -p $p & done; wait`;
    return spawnInPidNamespace({ new: true }, () => Bun.spawn(["sh", "-c", script], { stdio: ["ignore", "ignore", "ignore"] }));
  });
  try {
    const lister = createSocketLister();
    const inBlock = () => lister.list(ALL_SOCKET_KINDS).filter((s) => s.port >= base && s.port < base + CONTAINERS * PER).length;
    for (let i = 0; inBlock() < CONTAINERS * PER; i++) {
      if (i > 300) throw new Error(`only ${inBlock()} of ${CONTAINERS * PER} listeners came up`);
      await Bun.sleep(50);
    }
    const isolator = createNetworkPortsIsolator({ enforce: false, intervalMs: 60_000, checkUdp: false, log: silentLogger, clock: new ManualClock() });
    const roots = new Map<string, { pid: number; ownNamespace: boolean }>();
    for (const [c, init] of inits.entries()) {
      const containerId = parseContainerId(`bench-${c}`);
      const resources = [
        { name: "ports", type: Value_Type.RANGES, ranges: { range: [{ begin: BigInt(base + c * PER), end: BigInt(base + c * PER + PER - 1) }] } },
      ];
      await isolator.prepare!(create(api.ContainerConfigSchema, { containerId, directory: "/tmp", resources }));
      await isolator.isolate!(containerId, init.pid);
      roots.set(`bench-${c}`, { pid: init.pid, ownNamespace: true });
    }
    const tcp = ALL_SOCKET_KINDS.filter((k) => k.protocol === "tcp");
    const walking = createPortScanner({ lister, kinds: tcp, fullWalkEvery: 1 });
    const skipping = createPortScanner({ lister, kinds: tcp, fullWalkEvery: Number.POSITIVE_INFINITY });
    const first = walking.scan(roots);
    const found = [...first.listeners.values()].reduce((n, l) => n + l.length, 0);
    const checked = isolator.scanNow();
    console.log(
      `scan: ${CONTAINERS} containers, ${found} container listeners matched of ${first.sockets} listening TCP sockets on the host, ` +
        `${listPids().length} host processes, ${checked.violations} violations; ${availableParallelism()} cores`,
    );
    console.log(`  list sockets (sock_diag):         ${stats(time(50, () => lister.list(tcp)))}`);
    const proc = createSocketLister({ source: "proc" });
    console.log(`  list sockets (/proc/net):         ${stats(time(50, () => proc.list(tcp)))}`);
    console.log(`  scan, walking the processes:      ${stats(time(30, () => walking.scan(roots)))}`);
    console.log(`  scan, nothing changed (no walk):  ${stats(time(50, () => skipping.scan(roots)))}`);
    const scans = time(100, () => isolator.scanNow());
    const mean = scans.reduce((a, b) => a + b, 0) / scans.length;
    console.log(`  isolator scan, 1 walk in 10 when nothing changes: mean ${mean.toFixed(1)} ms (n=${scans.length})`);
    isolator.close();
  } finally {
    for (const init of inits) init.kill("SIGKILL");
    await Promise.all(inits.map((i) => i.exited));
  }
}

async function killLatency(mode: "in process" | "out of process"): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-ports-"));
  const masterFlags = parseFlags(masterFlagSpecs, [`--work_dir=${join(dir, "m")}`, "--port=0"], {});
  const master = await startMaster({ flags: masterFlags.values, log: silentLogger, createAllocator: createHierarchicalAllocator });
  const base = freeBlock(10);
  const isolatorFlags = ["--enforce_container_ports", "--container_ports_watch_interval=1secs"];
  const socket = join(dir, "ports.sock");
  const plugin =
    mode === "out of process"
      ? Bun.spawn([...MESOS, "isolator", "serve", "network/ports", `--socket=${socket}`, ...isolatorFlags], { stdio: ["ignore", "ignore", "ignore"] })
      : undefined;
  if (plugin) while (!existsSync(socket)) await Bun.sleep(20);
  const agentFlags = parseFlags(
    agentFlagSpecs,
    [
      `--master=127.0.0.1:${master.port}`,
      `--work_dir=${join(dir, "a")}`,
      "--port=0",
      `--resources=cpus:2;mem:1024;disk:100;ports:[${base}-${base + 9}]`,
      "--registration_backoff_factor=10ms",
      "--isolation=network/ports",
      ...(plugin ? [`--isolator_plugins=network/ports=unix://${socket}`] : isolatorFlags),
    ],
    {},
  );
  const agent: RunningAgent = await startAgent({ flags: agentFlags.values, log: silentLogger, launchHelperCommand: MESOS });
  const agentId = await agent.registered;
  const sub = await subscribe(master.url, { user: "root", name: "bench" });
  const latencies: number[] = [];
  let trial = 0;
  let inFlight = false;
  let finished!: () => void;
  const done = new Promise<void>((r) => (finished = r));
  void (async () => {
    for await (const event of sub.events) {
      if (event.type === scheduler.Event_Type.OFFERS) {
        for (const offer of event.offers!.offers) {
          if (inFlight || trial >= TRIALS) {
            sub.decline([offer.id!.value], 0).catch(() => {});
            continue;
          }
          inFlight = true;
          const id = `t${trial++}`;
          // A random pause so the listen falls anywhere in the watch interval.
          const command = `sleep ${(Math.random() * 1.5).toFixed(2)}; exec ${process.execPath} ${LISTEN} tcp:127.0.0.1:${base + (trial % 10)}`;
          const task = {
            name: id,
            taskId: { value: id },
            agentId: offer.agentId,
            command: { value: command },
            resources: [
              { name: "cpus", type: 0, scalar: { value: 0.1 } },
              { name: "mem", type: 0, scalar: { value: 64 } },
            ],
          };
          sub.accept([offer.id!.value], [{ type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: [task] } }], 0).catch(() => {});
        }
      } else if (event.type === scheduler.Event_Type.UPDATE) {
        const status = event.update!.status!;
        if (status.uuid.length > 0) sub.acknowledge(status).catch(() => {});
        if (status.state === TaskState.TASK_RUNNING || status.state === TaskState.TASK_STARTING) continue;
        const receivedAt = Date.now();
        const id = status.taskId!.value;
        if (status.state === TaskState.TASK_FAILED && status.message.includes("unallocated port")) {
          const stdout = join(dir, "a", "slaves", agentId, "frameworks", sub.frameworkId, "executors", id, "runs", "latest", "stdout");
          const listenedAt = Number(/listening (\d+)/.exec(readFileSync(stdout, "utf8"))?.[1]);
          latencies.push(receivedAt - listenedAt);
        } else console.error(`task ${id}: ${TaskState[status.state]} ${status.message}`);
        inFlight = false;
        if (latencies.length >= TRIALS || trial >= TRIALS) finished();
      }
    }
  })();
  await done;
  sub.close();
  await agent.stop();
  await master.stop();
  plugin?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
  console.log(`kill latency (${mode}, watch interval 1 s): ${stats(latencies)}; ${availableParallelism()} cores`);
}

const only = process.env.BENCH_ONLY;
if (!only || only === "scan") await scanCost();
if (!only || only === "in") await killLatency("in process");
if (!only || only === "out") await killLatency("out of process");
process.exit(0);
