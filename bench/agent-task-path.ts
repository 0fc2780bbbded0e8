/**
 * The agent's CPU per task, alone: hollow agents (the real agent code, the hollow containerizer)
 * in this process, linked in memory to a stand-in master that sends each a RunTask, acknowledges
 * every status update at once and launches the next task when one ends. What is measured is this
 * process's CPU time per task minus the stand-in master's own (its CPU time around its handler): the
 * agent's launch, its checkpoints (SQLite), its status updates (encoding, retry timers), its
 * sandbox directories and the link's frames, without the WebSocket (the end-to-end bench,
 * master-throughput, has it) and without another process disturbing the figure.
 *
 *   npx bun bench/agent-task-path.ts [--agents=100] [--frameworks=10] [--tasks=20000] [--in_flight=400] [--state=memory|disk]
 *
 * MASTER_CPU_PROFILE-style profiling: `npx bun --cpu-prof bench/agent-task-path.ts`.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { internal, TaskState } from "@mesos/proto";
import type { LinkEnd } from "@mesos/rpc";
import { startHollowAgents } from "./support/hollow-agents.ts";
import {
  acknowledgementFrame,
  benchFrameworkInfos,
  processCpuMs,
  registeredFrame,
  runTaskFrame,
  timedStandInMaster,
} from "./support/stand-in-master.ts";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const agentCount = Number(arg("agents", "100"));
const totalTasks = Number(arg("tasks", "20000"));
const inFlight = Number(arg("in_flight", "400"));
const state = arg("state", "memory") === "disk" ? "disk" : "memory";
const workDir = mkdtempSync(join(process.platform === "linux" ? "/dev/shm" : tmpdir(), "agent-task-path-"));

const frameworkCount = Number(arg("frameworks", "10"));
// Tasks go to the frameworks in turn: an agent forgets a framework whenever its last task there ends, as on a busy cluster.
const frameworkInfos = benchFrameworkInfos(frameworkCount, 0);

/** The stand-in master: registers each agent, acknowledges every update, starts the next task when one ends. */
let launched = 0;
let ended = 0;
const agentLinks: { id: string; toAgent: LinkEnd }[] = [];
let allEnded!: () => void;
const done = new Promise<void>((resolve) => (allEnded = resolve));

function runTask(agent: { id: string; toAgent: LinkEnd }): void {
  const taskId = `t-${launched}`;
  agent.toAgent.send(runTaskFrame(agent.id, taskId, frameworkInfos[launched++ % frameworkCount]!, "sleep 0.05"));
}

const master = timedStandInMaster((toAgent) => {
  let me: { id: string; toAgent: LinkEnd } | undefined;
  return (frame) => {
    if (!me) {
      const id = `agent-${agentLinks.length}`;
      me = { id, toAgent };
      agentLinks.push(me);
      toAgent.send(registeredFrame(id, `c-${id}`));
      return;
    }
    const msg = fromBinary(internal.AgentMessageSchema, frame);
    if (msg.message.case !== "statusUpdate") return;
    toAgent.send(acknowledgementFrame(msg.message.value));
    const finished = msg.message.value.status!.state;
    if (finished === TaskState.TASK_FINISHED || finished === TaskState.TASK_FAILED) {
      ended++;
      if (ended === totalTasks) allEnded();
      else if (launched < totalTasks) runTask(me);
    }
  };
});

const hollow = await startHollowAgents({
  master: "in-memory:5050",
  dial: master.dial,
  count: agentCount,
  resources: "cpus:8;mem:16384",
  registrationBackoffMs: 1,
  state,
  workDir,
});
while (agentLinks.length < agentCount) await Bun.sleep(10);

// A warm-up of a tenth of the tasks, then the measured rest.
const warmup = Math.floor(totalTasks / 10);
for (let i = 0; i < Math.min(inFlight, totalTasks); i++) runTask(agentLinks[i % agentCount]!);
while (ended < warmup) await Bun.sleep(5);
const [c0, m0, e0, t0] = [processCpuMs(), master.cpuMs(), ended, performance.now()];
await done;
const [c1, m1, t1] = [processCpuMs(), master.cpuMs(), performance.now()];
const tasks = totalTasks - e0;
const perTask = (c1 - c0 - (m1 - m0)) / tasks;
console.log(
  `agent-task-path: ${agentCount} hollow agents (state ${state}), ${frameworkCount} frameworks, ${tasks} tasks measured (${inFlight} in flight): ` +
    `agent CPU ${(perTask * 1000).toFixed(0)} us a task (process ${(((c1 - c0) / tasks) * 1000).toFixed(0)} us, stand-in master ${(((m1 - m0) / tasks) * 1000).toFixed(0)} us); ` +
    `${((tasks / (t1 - t0)) * 1000).toFixed(0)} tasks/s; ${navigator.hardwareConcurrency} cpus, load average ${loadavg()[0]!.toFixed(1)}`,
);
hollow.stop();
rmSync(workDir, { recursive: true, force: true });
process.exit(0);
