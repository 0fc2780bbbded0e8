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

const arg = (name: string, fallback: string) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const agentCount = arg("agents", "2500");
const perAgent = arg("tasks_per_agent", "10");
const rounds = arg("rounds", "3");
const workDir = mkdtempSync(join(process.platform === "linux" ? "/dev/shm" : tmpdir(), "agent-reattach-"));
const frameworkInfos = benchFrameworkInfos(10, 604800);

let running = 0;
let attaches = 0;
/** Each agent's current link (its index is its id). */
const links = new Map<string, LinkEnd>();
let launched = 0;

/** Registers each agent (a new id the first time, its own after), acknowledges every update. */
const master = timedStandInMaster((toAgent) => {
  let id: string | undefined;
  return (frame) => {
    if (!id) {
      const req = fromBinary(internal.AttachRequestSchema, frame);
      id = req.agentInfo?.id?.value ?? `agent-${links.size}`;
      const first = !links.has(id);
      links.set(id, toAgent);
      attaches++;
      toAgent.send(registeredFrame(id, `c-${id}-${attaches}`));
      if (first) {
        for (let i = 0; i < perAgent; i++, launched++) {
          toAgent.send(runTaskFrame(id, `t-${launched}`, frameworkInfos[launched % frameworkInfos.length]!, "sleep 1000000"));
        }
      }
      return;
    }
    const msg = fromBinary(internal.AgentMessageSchema, frame);
    if (msg.message.case !== "statusUpdate") return;
    toAgent.send(acknowledgementFrame(msg.message.value));
    if (msg.message.value.status!.state === TaskState.TASK_RUNNING) running++;
  };
});

const hollow = await startHollowAgents({
  master: "in-memory:5050",
  dial: master.dial,
  count: agentCount,
  resources: `cpus:${perAgent * 0.1 + 0.1};mem:${perAgent * 32 + 64}`,
  state: "memory",
  workDir,
});
while (running < agentCount * perAgent) await Bun.sleep(20);
await Bun.sleep(500);

const perAttach: number[] = [];
for (let r = 0; r < rounds; r++) {
  const before = attaches;
  const [c0, m0] = [processCpuMs(), master.cpuMs()];
  for (const toAgent of links.values()) toAgent.close(1001, "The master went away");
  while (attaches - before < agentCount) await Bun.sleep(20);
  await Bun.sleep(200);
  const [c1, m1] = [processCpuMs(), master.cpuMs()];
  perAttach.push((c1 - c0 - (m1 - m0)) / agentCount);
}
console.log(
  `agent-reattach: ${agentCount} hollow agents x ${perAgent} tasks; agent CPU a re-registration ${perAttach.map((ms) => (ms * 1000).toFixed(0)).join(", ")} us ` +
    `(from the drop to Registered handled, rounds of ${agentCount}); ${navigator.hardwareConcurrency} cpus, load average ${loadavg()[0]!.toFixed(1)}`,
);
hollow.stop();
rmSync(workDir, { recursive: true, force: true });
process.exit(0);
