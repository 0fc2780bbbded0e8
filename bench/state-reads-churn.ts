/**
 * What a state read costs the master while a framework churns, in one process and without sockets
 * (steadier than state-endpoint's wall clock on a shared machine): `--agents` agents attach through
 * the master's link acceptor, each running `--tasks_per_agent` tasks of `--frameworks` frameworks
 * (subscribed, suppressed: they want nothing more), and one more framework is offered every agent's
 * spare resources. Between reads it declines some of its offers and the next allocation cycle offers
 * them again, as at its in-flight limit (`--declined` of them, default all). Each endpoint is read
 * `--reads` times; the CPU of a read is the process's around the request and its body.
 * With `--idle_windows=N`, first the settled master's CPU with its loops running (allocation every
 * second, pings every 15 s, which the agents here answer), N windows of 10 s, then it exits.
 *
 *   npx bun bench/state-reads-churn.ts [--agents=2000] [--tasks_per_agent=10] [--frameworks=10] [--reads=10] [--declined=1] [--flip] [--only=/state] [--idle_windows=0]
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { subscribe, type Subscription } from "@mesos/client";
import { parseFlags, parseResources, silentLogger } from "@mesos/core";
import { createMaster, type Master, masterFlagSpecs, openSqliteRegistry } from "@mesos/master";
import { internal, scheduler, TaskSchema, TaskState } from "@mesos/proto";
import { createInMemoryTransport } from "@mesos/rpc";
import { loadavg } from "node:os";
import { bodyLength } from "./support/body-length.ts";

const arg = (name: string, fallback: string) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const agents = arg("agents", "2000");
const perAgent = arg("tasks_per_agent", "10");
const frameworkCount = arg("frameworks", "10");
const reads = arg("reads", "10");
const declined = arg("declined", "1");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const idleWindows = arg("idle_windows", "0");
const flip = process.argv.includes("--flip");

const registry = openSqliteRegistry(":memory:");
const { values, effective } = parseFlags(masterFlagSpecs, ["--registry=in_memory", "--port=5050"], {});
const master: Master = await createMaster({ flags: values, effectiveFlags: effective, log: silentLogger, registry });
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const frameworkInfo = (f: number) => ({ id: { value: `settled-${f}` }, user: "root", name: `fw${f}`, failoverTimeout: 604800 });
const resources = parseResources(`cpus:${perAgent * 0.1 + 0.1};mem:${perAgent * 32 + 64};disk:1000`).toArray();

// The agents, each with its tasks (reported at registration, as after a failover).
await Promise.all(
  Array.from({ length: agents }, (_, i) => {
    const id = `agent-${i}`;
    const tasks = Array.from({ length: perAgent }, (_, k) =>
      create(TaskSchema, {
        name: `task-${i}-${k}`,
        taskId: { value: `task-${i}-${k}` },
        frameworkId: frameworkInfo((i + k) % frameworkCount).id,
        agentId: { value: id },
        state: TaskState.TASK_RUNNING,
        resources: parseResources("cpus:0.1;mem:32").toArray(),
      }),
    );
    const frameworks = [...new Set(tasks.map((t) => t.frameworkId!.value))].map((f) => frameworkInfo(Number(f.split("-")[1])));
    const request = create(internal.AttachRequestSchema, {
      agentInfo: { hostname: `host-${i}`, id: { value: id }, resources },
      endpoint: `http://host-${i}:5051`,
      version: "1.8.0",
      frameworks,
      tasks,
    });
    return new Promise<void>((resolve, reject) => {
      let connectionId = "";
      // Registered, then pings, which it answers as an agent does (unanswered, it would be lost after 75 s).
      const link = master.acceptAgentLink({
        send(frame) {
          const message = fromBinary(internal.MasterMessageSchema, frame).message;
          if (message.case === "registered") {
            connectionId = message.value.connectionId;
            resolve();
          } else if (message.case === "ping") {
            const pong = create(internal.AgentMessageSchema, { agentId: { value: id }, connectionId, message: { case: "pong", value: {} } });
            link.message(toBinary(internal.AgentMessageSchema, pong));
          }
        },
        close: (code, reason) => reject(new Error(`${code} ${reason}`)),
      });
      link.message(toBinary(internal.AttachRequestSchema, request));
    });
  }),
);
const transport = createInMemoryTransport(master.connect);
const subs: Subscription[] = [];
for (let f = 0; f < frameworkCount; f++) subs.push(await subscribe(transport, frameworkInfo(f), { suppressedRoles: ["*"] }));
if (idleWindows > 0) await measureIdle();
const churn = await subscribe(transport, { user: "root", name: "churn" });
subs.push(churn);
// Events are read and dropped (the reads below wait until they are).
for (const sub of subs)
  void (async () => {
    for await (const _ of sub.events);
  })().catch(() => {});
/** Until the process is idle (the frameworks have read their events): what a read costs is then the master's alone. */
const settle = async () => {
  for (let i = 0; i < 100; i++) {
    const cpu = cpuMs();
    await Bun.sleep(50);
    if (cpuMs() - cpu < 5) return;
  }
};
master.allocateNow();
await settle();

/**
 * The churning framework declines its offers (`declined` of them) and the next cycle offers them
 * again. With `--flip`, as under 1 s declines, where an agent is offered every other cycle: every
 * other step it declines them all for an hour (the read sees them offered nothing), and the next
 * step revives (offered again, the same resources).
 */
let step = 0;
const churnOnce = async () => {
  const offers = master.ctx.offers.ofFramework(churn.frameworkId);
  const flipping = flip && step++ % 2 === 0;
  const ids = offers.slice(0, Math.round(offers.length * (flipping ? 1 : declined))).map((o) => o.offer.id!.value);
  if (ids.length > 0) await churn.decline(ids, flipping ? 3600 : 0);
  if (flip && !flipping) await churn.call({ type: scheduler.Call_Type.REVIVE });
  master.allocateNow();
  await settle();
};

const v1 = (accept: string): RequestInit => ({
  method: "POST",
  body: '{"type":"GET_STATE"}',
  headers: { "Content-Type": "application/json", Accept: accept },
});
const endpoints: [string, string, RequestInit?][] = [
  ["GET /state", "/state"],
  ["GET /state-summary", "/state-summary"],
  ["GET /master/tasks?limit=100", "/master/tasks?limit=100"],
  ["GET_STATE (JSON)", "/api/v1", v1("application/json")],
  ["GET_STATE (protobuf)", "/api/v1", v1("application/x-protobuf")],
];
console.log(
  `state-reads-churn: ${agents} agents x ${perAgent} tasks, ${frameworkCount} frameworks + 1 offered every agent (${master.ctx.offers.size} offers); ` +
    `${flip ? "every agent offered every other read" : `${declined * 100}% declined and offered again between reads`}; ${navigator.hardwareConcurrency} cpus`,
);
for (const [name, path, init] of endpoints) {
  if (only !== undefined && !name.includes(only)) continue;
  const one = async () => {
    const t = cpuMs();
    const res = await master.app.request(`http://in-memory:5050${path}`, init);
    const bytes = await bodyLength(res);
    return { cpu: cpuMs() - t, bytes };
  };
  await one(); // the first read encodes everything; not counted
  const settled: number[] = [];
  const churning: number[] = [];
  let bytes = 0;
  for (let i = 0; i < reads; i++) settled.push((await one()).cpu);
  for (let i = 0; i < reads; i++) {
    await churnOnce();
    const r = await one();
    churning.push(r.cpu);
    bytes = r.bytes;
  }
  const p50 = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `  ${name.padEnd(28)} ${(bytes / 2 ** 20).toFixed(1).padStart(5)} MB  CPU a read: unchanged p50 ${p50(settled).toFixed(0).padStart(4)} ms, ` +
      `after the churn p50 ${p50(churning).toFixed(0).padStart(4)} ms; load ${loadavg()[0]!.toFixed(1)}`,
  );
}
close();

function close(): never {
  for (const sub of subs) sub.close();
  master.stop();
  registry.close();
  process.exit(0);
}

/** The settled master's CPU a second, its loops running, over `idleWindows` windows of 10 s (then the process exits). */
async function measureIdle(): Promise<never> {
  master.startLoops();
  const runs = () => master.ctx.metrics.get("allocator/mesos/allocation_runs");
  const windows: string[] = [];
  for (let w = 0; w < idleWindows; w++) {
    const [cpu0, runs0, heap0] = [cpuMs(), runs(), process.memoryUsage().heapUsed];
    await Bun.sleep(10_000);
    const heap = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    windows.push(
      `${((cpuMs() - cpu0) / 10).toFixed(0)} ms a second (${runs() - runs0} allocation runs, heap ${heap >= 0 ? "+" : ""}${heap.toFixed(0)} MB; load ${loadavg()[0]!.toFixed(1)})`,
    );
  }
  console.log(`  settled, loops running: ${windows.join(", ")}; ${master.ctx.metrics.get("master/slaves_active")} agents active`);
  return close();
}
