/**
 * The agent's CPU per re-registration, alone: hollow agents (the real agent code, the hollow
 * containerizer) in this process, each running `--tasks_per_agent` tasks, linked in memory to a
 * stand-in master. The stand-in then drops every link at once (a master's kill -9) and answers each
 * agent's next Attach with Registered; measured is this process's CPU from the drop until every
 * agent is back, minus the stand-in's own: the agents' backoff timers, building and encoding their
 * reports, and handling Registered (resending pending updates). What master-failover's hollow
 * processes spend per agent, without the WebSocket and without another process disturbing it.
 *
 *   npx bun bench/agent-reattach.ts [--agents=2500] [--tasks_per_agent=10] [--rounds=3]
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { agentFlagSpecs, createAgent, createAgentStore, createMasterLink, type MasterLink } from "@mesos/agent";
import { parseFlags, silentLogger, systemClock } from "@mesos/core";
import { internal, TaskState, Value_Type } from "@mesos/proto";
import { inMemoryDialer, type LinkEnd, type LinkListener } from "@mesos/rpc";
import { createHollowContainerizer } from "./support/hollow-containerizer.ts";

const arg = (name: string, fallback: string) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const agentCount = arg("agents", "2500");
const perAgent = arg("tasks_per_agent", "10");
const rounds = arg("rounds", "3");
const workDir = mkdtempSync(join(process.platform === "linux" ? "/dev/shm" : tmpdir(), "agent-reattach-"));
const frameworkInfos = Array.from({ length: 10 }, (_, i) => ({
  user: "root",
  name: `bench-${i}`,
  id: { value: `c0ffee00-0000-4000-8000-000000000000-${String(i).padStart(4, "0")}` },
  failoverTimeout: 604800,
  roles: ["*"],
}));

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let masterMs = 0;
let running = 0;
let attaches = 0;
/** Each agent's current link (its index is its id). */
const links = new Map<string, LinkEnd>();
let launched = 0;

function registered(id: string): Uint8Array {
  return toBinary(
    internal.MasterMessageSchema,
    create(internal.MasterMessageSchema, {
      message: {
        case: "registered",
        value: { agentId: { value: id }, masterInfo: { id: "m", ip: 0, port: 5050 }, connectionId: `c-${id}-${attaches}` },
      },
    }),
  );
}

function runTask(id: string, toAgent: LinkEnd): void {
  const taskId = `t-${launched++}`;
  const message = create(internal.MasterMessageSchema, {
    message: {
      case: "runTask",
      value: {
        frameworkInfo: frameworkInfos[launched % frameworkInfos.length],
        task: {
          name: taskId,
          taskId: { value: taskId },
          agentId: { value: id },
          command: { value: "sleep 1000000" },
          resources: [
            { name: "cpus", type: Value_Type.SCALAR, scalar: { value: 0.1 }, role: "*", allocationInfo: { role: "*" } },
            { name: "mem", type: Value_Type.SCALAR, scalar: { value: 32 }, role: "*", allocationInfo: { role: "*" } },
          ],
        },
      },
    },
  });
  toAgent.send(toBinary(internal.MasterMessageSchema, message));
}

/** Registers each agent (a new id the first time, its own after), acknowledges every update. */
function standInMaster(toAgent: LinkEnd): LinkListener {
  let id: string | undefined;
  return {
    message(frame) {
      const start = process.cpuUsage();
      try {
        if (!id) {
          const req = fromBinary(internal.AttachRequestSchema, frame);
          id = req.agentInfo?.id?.value ?? `agent-${links.size}`;
          const first = !links.has(id);
          links.set(id, toAgent);
          attaches++;
          toAgent.send(registered(id));
          if (first) for (let i = 0; i < perAgent; i++) runTask(id, toAgent);
          return;
        }
        const msg = fromBinary(internal.AgentMessageSchema, frame);
        if (msg.message.case !== "statusUpdate") return;
        const { frameworkId, status } = msg.message.value;
        const ack = create(internal.MasterMessageSchema, {
          message: { case: "acknowledgeStatusUpdate", value: { frameworkId, taskId: status!.taskId, uuid: status!.uuid } },
        });
        toAgent.send(toBinary(internal.MasterMessageSchema, ack));
        if (status!.state === TaskState.TASK_RUNNING) running++;
      } finally {
        const used = process.cpuUsage(start);
        masterMs += (used.user + used.system) / 1000;
      }
    },
    close() {},
  };
}

const dial = inMemoryDialer(standInMaster);
const links_: MasterLink[] = [];
for (let i = 0; i < agentCount; i++) {
  const dir = join(workDir, `agent-${i}`);
  const { values, effective } = parseFlags(
    agentFlagSpecs,
    ["--master=in-memory:5050", `--work_dir=${dir}`, `--hostname=hollow-${i}`, `--resources=cpus:${perAgent * 0.1 + 0.1};mem:${perAgent * 32 + 64}`],
    {},
  );
  let link: MasterLink | undefined;
  const agent = await createAgent({
    flags: values,
    effectiveFlags: effective,
    clock: systemClock,
    log: silentLogger,
    endpoint: `http://hollow-${i}:5051`,
    store: createAgentStore(":memory:"),
    containerizer: createHollowContainerizer({ clock: systemClock }),
    masterLink: { send: (message) => link?.send(message) ?? false },
  });
  link = createMasterLink({
    master: "in-memory:5050",
    transport: dial,
    clock: systemClock,
    log: silentLogger,
    backoffFactorMs: values.registration_backoff_factor,
    attachRequest: agent.attachRequest,
    onRegistered: agent.registered,
    onMessage: agent.receive,
    onDisconnected: () => {},
    onRefused: () => {},
  });
  link.start();
  links_.push(link);
}
while (running < agentCount * perAgent) await Bun.sleep(20);
await Bun.sleep(500);

const perAttach: number[] = [];
for (let r = 0; r < rounds; r++) {
  const before = attaches;
  const [c0, m0] = [cpu(), masterMs];
  for (const toAgent of links.values()) toAgent.close(1001, "The master went away");
  while (attaches - before < agentCount) await Bun.sleep(20);
  await Bun.sleep(200);
  const [c1, m1] = [cpu(), masterMs];
  perAttach.push((c1 - c0 - (m1 - m0)) / agentCount);
}
console.log(
  `agent-reattach: ${agentCount} hollow agents x ${perAgent} tasks; agent CPU a re-registration ${perAttach.map((ms) => (ms * 1000).toFixed(0)).join(", ")} us ` +
    `(from the drop to Registered handled, rounds of ${agentCount}); ${navigator.hardwareConcurrency} cpus, load average ${loadavg()[0]!.toFixed(1)}`,
);
for (const link of links_) link.stop();
rmSync(workDir, { recursive: true, force: true });
process.exit(0);
