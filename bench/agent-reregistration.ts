/**
 * The master's CPU per agent re-registration after a failover, in one process and without sockets
 * (steadier than master-failover's wall clock on a shared machine): a master registers `--agents`
 * agents (written to its registry here), and a second master on that registry takes them back, each agent
 * reporting `--tasks_per_agent` running tasks of `--frameworks_per_agent` of `--frameworks`
 * frameworks (as the hollow agents do after a kill -9). Attaches go through the master's link
 * acceptor (what a WebSocket upgrade reaches: decoding, attach.ts), encoded beforehand, so the CPU
 * measured is the master's (not the socket's). Then the frameworks subscribe again and reconcile every task, and
 * the state is read over a socket by curl (GET /state, GET_STATE as JSON and protobuf): bytes, first read, later reads.
 *
 *   npx bun bench/agent-reregistration.ts [--agents=10000] [--tasks_per_agent=10] [--frameworks=10] [--frameworks_per_agent=2] [--state_reads=5]
 *   MASTER_CPU_PROFILE=DIR: bun --cpu-prof for the re-registration part (bench/support/cpuprofile-summary.ts reads it)
 *
 * With --over=websocket the master is the compiled binary (`npm run build` first) started on that
 * registry, and the attaches come over WebSockets, one each, as the agents' links do after a
 * failover: each waits at random in [0, --backoff_ms] (Mesos's registration_backoff_factor), dials,
 * sends its frame. It prints the master's start-up (to its first answer), its CPU per re-registration
 * with the upgrade and the socket, and the connections the kernel dropped (full accept queues).
 * MASTER_CPU_PROFILE=DIR then profiles the master process.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createConnectTransport } from "@connectrpc/connect-web";
import { subscribe, type Subscription } from "@mesos/client";
import { parseFlags, parseResources, silentLogger, upgradeResource } from "@mesos/core";
import { createMaster, type Master, masterFlagSpecs, openSqliteRegistry } from "@mesos/master";
import { AgentInfoSchema, internal, scheduler, TaskSchema, TaskState, TaskStatus_Reason, TaskStatus_Source, TaskStatusSchema } from "@mesos/proto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { AGENT_LINK_PATH } from "@mesos/rpc";
import { freePort, listenOverflows, percentile, processUsage, startMasterProcess, threadUsage, threadUsageText } from "./support/bench-cluster.ts";

const arg = (name: string, fallback: string) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const agents = arg("agents", "10000");
const perAgent = arg("tasks_per_agent", "10");
const frameworkCount = arg("frameworks", "10");
const frameworksPerAgent = Math.min(arg("frameworks_per_agent", "2"), frameworkCount);
const stateReads = arg("state_reads", "5");

const dir = mkdtempSync(join(tmpdir(), "bench-rereg-"));
const registry = openSqliteRegistry(join(dir, "registry.db"));
// Counted: an agent re-registering unchanged should write nothing (Mesos's MESOS-7711).
let registryWrites = 0;
const setAgent = registry.setAgent.bind(registry);
registry.setAgent = (...a) => (registryWrites++, setAgent(...a));
const { values, effective } = parseFlags(masterFlagSpecs, ["--port=5050", `--work_dir=${dir}`], {});
const newMaster = () => createMaster({ flags: values, effectiveFlags: effective, log: silentLogger, registry });
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const heapMb = () => process.memoryUsage().heapUsed / 2 ** 20;

/** An Attach as the agent's link sends it: its first frame, binary. */
function attachRequest(req: internal.AttachRequest): Uint8Array {
  return toBinary(internal.AttachRequestSchema, req);
}

/** Opens a link to the master (its acceptor, as a WebSocket upgrade reaches it) and attaches; resolves with the agent id once Registered arrives. */
function attach(master: Master, frame: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const toMaster = master.acceptAgentLink({
      send(reply) {
        const message = fromBinary(internal.MasterMessageSchema, reply);
        if (message.message.case === "registered") resolve(message.message.value.agentId!.value);
      },
      close: (code, reason) => reject(new Error(`The master closed the link: ${code} ${reason}`)),
    });
    toMaster.message(frame);
  });
}

const resources = parseResources(`cpus:${perAgent * 0.1 + 0.1};mem:${perAgent * 32 + 64};disk:1000`).toArray();
const agentInfo = (i: number, id?: string) => ({ hostname: `hollow-${i}`, resources, ...(id ? { id: { value: id } } : {}) });
const frameworkIds = Array.from({ length: frameworkCount }, (_, i) => `bench-framework-${i}`);
const frameworkInfo = (f: number) => ({ id: { value: frameworkIds[f]! }, user: "root", name: `fw${f}`, failoverTimeout: 604800 });

console.log(
  `agent-reregistration: ${agents} agents x ${perAgent} tasks (${agents * perAgent} tasks, ${frameworksPerAgent} of ${frameworkCount} frameworks per agent); ${navigator.hardwareConcurrency} cpus`,
);

// 1. The agents the first master admitted, in the registry (what `attachAgent` records for each).
const ids = Array.from({ length: agents }, (_, i) => `bench-agent-S${i}`);
for (const [i, id] of ids.entries()) {
  await registry.setAgent(id, {
    info: create(AgentInfoSchema, { ...agentInfo(i, id), resources: resources.map(upgradeResource) }),
    state: "admitted",
    changedAt: Date.now(),
  });
}

// 2. What each agent reports after the failover (encoded before the clock starts, as agents do it).
const requests = ids.map((id, i) => {
  const tasks = Array.from({ length: perAgent }, (_, k) => {
    const f = (i + (k % frameworksPerAgent)) % frameworkCount;
    return create(TaskSchema, {
      name: `task-${i}-${k}`,
      taskId: { value: `task-${i}-${k}` },
      frameworkId: { value: frameworkIds[f]! },
      agentId: { value: id },
      state: TaskState.TASK_RUNNING,
      resources: parseResources("cpus:0.1;mem:32").toArray(),
    });
  });
  const frameworks = [...new Set(tasks.map((task) => task.frameworkId!.value))].map((f) => frameworkInfo(frameworkIds.indexOf(f)));
  return attachRequest(
    create(internal.AttachRequestSchema, { agentInfo: agentInfo(i, id), endpoint: `http://hollow-${i}:5051`, version: "1.8.0", frameworks, tasks }),
  );
});
const bytes = requests.reduce((n, r) => n + r.length, 0);
// The acknowledgement the first master recorded for each task (its registry holds them at a failover).
await registry.writeAcknowledgements({
  written: ids.flatMap((id, i) =>
    Array.from({ length: perAgent }, (_, k) => ({
      frameworkId: frameworkIds[(i + (k % frameworksPerAgent)) % frameworkCount]!,
      taskId: `task-${i}-${k}`,
      agentId: id,
      uuid: crypto.getRandomValues(new Uint8Array(16)),
    })),
  ),
  forgotten: [],
});
if (process.argv.includes("--over=websocket")) {
  registry.close();
  await overWebSockets(requests);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

// 3. The new master takes them all back.
const startCpu = cpuMs();
const master: Master = await newMaster();
console.log(
  `  the master's start on that registry: ${(cpuMs() - startCpu).toFixed(0)} ms of CPU (${agents} agents, ${agents * perAgent} acknowledgements)`,
);
Bun.gc(true);
const heapBefore = heapMb();
let t = cpuMs();
registryWrites = 0;
for (let i = 0; i < agents; i += 100) await Promise.all(requests.slice(i, i + 100).map((r) => attach(master, r)));
const reregistered = cpuMs() - t;
console.log(
  `  re-registration: ${(reregistered / agents).toFixed(3)} ms of CPU per agent (${(reregistered / 1000).toFixed(1)} s for ${agents}; reports of ${(bytes / agents / 1024).toFixed(1)} KiB, ${registryWrites} registry writes); ` +
    `load average ${loadavg()[0]!.toFixed(1)}`,
);
t = cpuMs();
master.allocateNow();
console.log(`  the first allocation cycle after: ${(cpuMs() - t).toFixed(0)} ms of CPU`);

// 4. The frameworks subscribe again and reconcile every task.
const transport = createConnectTransport({
  baseUrl: "http://in-memory:5050",
  useBinaryFormat: true,
  fetch: ((input: string | URL | Request, init?: RequestInit) => master.app.fetch(new Request(input as string, init))) as typeof fetch,
});
t = cpuMs();
const subs: Subscription[] = [];
for (let f = 0; f < frameworkCount; f++) subs.push(await subscribe(transport, frameworkInfo(f)));
console.log(`  ${frameworkCount} frameworks subscribed again: ${((cpuMs() - t) / frameworkCount).toFixed(1)} ms of CPU each`);
t = cpuMs();
await Promise.all(
  subs.map(async (sub, f) => {
    const expected = requests.length === 0 ? 0 : [...master.ctx.tasks.active(frameworkIds[f]!).keys()].length;
    await sub.reconcile(
      [...master.ctx.tasks.active(frameworkIds[f]!).values()].map((task) => ({ taskId: task.taskId!.value, agentId: task.agentId!.value })),
    );
    let confirmed = 0;
    for await (const event of sub.events) {
      if (event.type !== scheduler.Event_Type.UPDATE || event.update!.status!.reason !== TaskStatus_Reason.RECONCILIATION) continue;
      if (++confirmed >= expected) break;
    }
  }),
);
console.log(`  every task reconciled: ${((cpuMs() - t) / (agents * perAgent)).toFixed(4)} ms of CPU per task (client decoding included)`);
Bun.gc(true);
console.log(`  JS heap: ${(heapMb() - heapBefore).toFixed(0)} MB for ${agents} agents and ${agents * perAgent} tasks`);

// 5. Reading the state: the first read after the failover (nothing encoded yet), then 5 more. The
// agents reported no statuses (all were acknowledged); each task gets the two a launch leaves
// (STARTING, RUNNING), as the master had them before the failover.
for (const f of frameworkIds) {
  for (const task of [...master.ctx.tasks.active(f).values()]) {
    for (const state of [TaskState.TASK_STARTING, TaskState.TASK_RUNNING]) {
      const status = create(TaskStatusSchema, {
        taskId: task.taskId,
        agentId: task.agentId,
        state,
        source: TaskStatus_Source.EXECUTOR,
        timestamp: Date.now() / 1000,
        uuid: crypto.getRandomValues(new Uint8Array(16)),
      });
      master.ctx.tasks.transition(task, status);
    }
  }
}
// Read over a socket (the master's app on Bun.serve, as the binary serves it) by curl, another
// process: the CPU counted is the master's encoding and writing, not a client's reading.
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 0, fetch: master.app.fetch });
const url = `http://127.0.0.1:${server.port}`;
const v1 = (accept: string) => [
  "-X",
  "POST",
  "-H",
  "Content-Type: application/json",
  "-H",
  `Accept: ${accept}`,
  "-d",
  '{"type":"GET_STATE"}',
  `${url}/api/v1`,
];
const reads: [string, string[]][] = [
  ["GET /state", [`${url}/state`]],
  ["GET_STATE (JSON)", v1("application/json")],
  ["GET_STATE (protobuf)", v1("application/x-protobuf")],
];
// --state_reads=0: none (not even the first).
for (const [name, args] of stateReads > 0 ? reads : []) {
  const one = async () => {
    const [t0, cpu0] = [performance.now(), cpuMs()];
    const curl = Bun.spawn(["curl", "-sf", "-o", "/dev/null", "-w", "%{size_download}", ...args], { stdout: "pipe" });
    const bytes = Number(await new Response(curl.stdout).text());
    if ((await curl.exited) !== 0) throw new Error(`${name}: curl exited with ${curl.exitCode}`);
    return { ms: performance.now() - t0, cpu: cpuMs() - cpu0, bytes };
  };
  const first = await one();
  const again = [];
  for (let i = 0; i < stateReads; i++) again.push(await one());
  const median = <T>(xs: T[], key: (x: T) => number) => xs.map(key).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `  ${name}: ${(first.bytes / 2 ** 20).toFixed(1)} MB; first read ${first.ms.toFixed(0)} ms (${first.cpu.toFixed(0)} ms CPU), ` +
      `then p50 ${median(again, (r) => r.ms).toFixed(0)} ms (${median(again, (r) => r.cpu).toFixed(0)} ms CPU); load average ${loadavg()[0]!.toFixed(1)}`,
  );
}
server.stop(true);
for (const sub of subs) sub.close();
master.stop();
registry.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);

/** The attaches over WebSockets to the compiled master started on the registry (see the top). */
async function overWebSockets(frames: Uint8Array[]): Promise<void> {
  const backoffMs = Number(process.argv.find((a) => a.startsWith("--backoff_ms="))?.slice("--backoff_ms=".length) ?? 1000);
  const port = freePort();
  const profile = process.env.MASTER_CPU_PROFILE;
  const t0 = performance.now();
  const master = await startMasterProcess(port, [`--work_dir=${dir}`], profile ? { BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } : {});
  const startMs = performance.now() - t0;
  const { cpuSeconds: cpuAtStart, systemSeconds: systemAtStart } = processUsage(master.proc.pid);
  console.log(
    `  the master (${agents} agents, ${agents * perAgent} acknowledgements in its registry) answers ${startMs.toFixed(0)} ms after its start (${cpuAtStart.toFixed(2)} s of CPU)`,
  );
  const overflows = listenOverflows();
  const threadsAtStart = threadUsage(master.proc.pid);
  const url = `ws://127.0.0.1:${port}${AGENT_LINK_PATH}`;
  const sockets: WebSocket[] = [];
  const answers: number[] = [];
  let failed = 0;
  const storm = performance.now();
  await Promise.all(
    frames.map(async (frame) => {
      await Bun.sleep(Math.random() * backoffMs);
      for (;;) {
        const dialed = performance.now();
        const ok = await new Promise<boolean>((resolve) => {
          const ws = new WebSocket(url);
          ws.binaryType = "arraybuffer";
          ws.onopen = () => ws.send(frame);
          ws.onmessage = (e) => {
            if (fromBinary(internal.MasterMessageSchema, new Uint8Array(e.data as ArrayBuffer)).message.case !== "registered") return;
            sockets.push(ws);
            resolve(true);
          };
          ws.onclose = () => resolve(false);
        });
        if (ok) return void answers.push(performance.now() - dialed);
        failed++;
        await Bun.sleep(Math.random() * backoffMs);
      }
    }),
  );
  const secs = (performance.now() - storm) / 1000;
  const usage = processUsage(master.proc.pid);
  const cpu = usage.cpuSeconds - cpuAtStart;
  answers.sort((a, b) => a - b);
  console.log(
    `  over WebSockets: every agent back ${secs.toFixed(1)} s after the master answered (dials spread over ${backoffMs} ms); master CPU ${cpu.toFixed(1)} s (${(usage.systemSeconds - systemAtStart).toFixed(1)} s of it in the kernel), ` +
      `${((cpu * 1000) / agents).toFixed(3)} ms per agent; dial to Registered p50 ${percentile(answers, 0.5).toFixed(0)} ms, p99 ${percentile(answers, 0.99).toFixed(0)} ms; ` +
      `${failed} attempts failed; ${listenOverflows() - overflows} connections dropped by full accept queues (machine-wide); load average ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(`  the master's CPU s by thread: ${threadUsageText(threadsAtStart, threadUsage(master.proc.pid))}`);
  for (const ws of sockets) ws.close();
  await master.kill("SIGTERM");
}
