/**
 * Tasks launched and finished per second through one master, with 1 and with 50 agents (all in
 * this process; each task is a real container running `true`). Prints one line per setup.
 *
 *   npx bun bench/launch-throughput.ts [tasks=400] [in_flight=64]
 *
 * At most `in_flight` tasks run at once in both set-ups, so the figure measures the master and
 * agents rather than how many containers 2 cores can start at the same moment.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { agentFlagSpecs, startAgent, type RunningAgent } from "@mesos/agent";
import { subscribe } from "@mesos/client";
import { parseFlags, silentLogger } from "@mesos/core";
import { createHierarchicalAllocator, masterFlagSpecs, startMaster } from "@mesos/master";
import { Offer_Operation_Type, scheduler, TaskState } from "@mesos/proto";

const TASKS = Number(process.argv[2] ?? 400);
const IN_FLIGHT = Number(process.argv[3] ?? 64);
const launchHelper = [process.execPath, resolve(import.meta.dir, "../apps/mesos/src/main.ts")];

async function measure(agentCount: number, resourcesPerAgent: string): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "bench-launch-"));
  const masterFlags = parseFlags(masterFlagSpecs, [`--work_dir=${join(root, "m")}`, "--port=0"], {});
  const master = await startMaster({ flags: masterFlags.values, log: silentLogger, createAllocator: createHierarchicalAllocator });
  const agents: RunningAgent[] = [];
  for (let i = 0; i < agentCount; i++) {
    const f = parseFlags(
      agentFlagSpecs,
      [
        `--master=127.0.0.1:${master.port}`,
        `--work_dir=${join(root, `a${i}`)}`,
        "--port=0",
        `--resources=${resourcesPerAgent}`,
        "--registration_backoff_factor=10ms",
      ],
      {},
    );
    agents.push(await startAgent({ flags: f.values, log: silentLogger, launchHelperCommand: launchHelper }));
  }
  await Promise.all(agents.map((a) => a.registered));

  const sub = await subscribe(master.url, { user: "root", name: "bench" });
  let launched = 0;
  let finished = 0;
  let failed = 0;
  const started = performance.now();
  let done!: () => void;
  const allDone = new Promise<void>((r) => (done = r));
  void (async () => {
    for await (const event of sub.events) {
      if (event.type === scheduler.Event_Type.OFFERS) {
        for (const offer of event.offers!.offers) {
          const cpus = offer.resources.find((r) => r.name === "cpus")?.scalar?.value ?? 0;
          const mem = offer.resources.find((r) => r.name === "mem")?.scalar?.value ?? 0;
          const fit = Math.max(
            0,
            Math.min(Math.floor(cpus / 0.1 + 1e-9), Math.floor(mem / 32), TASKS - launched, IN_FLIGHT - (launched - finished - failed)),
          );
          const taskInfos = Array.from({ length: fit }, () => {
            const id = `t${launched++}`;
            return {
              name: id,
              taskId: { value: id },
              agentId: offer.agentId,
              command: { value: "true" },
              resources: [
                { name: "cpus", type: 0, scalar: { value: 0.1 } },
                { name: "mem", type: 0, scalar: { value: 32 } },
              ],
            };
          });
          sub.accept([offer.id!.value], taskInfos.length ? [{ type: Offer_Operation_Type.LAUNCH, launch: { taskInfos } }] : [], 0).catch(() => {});
        }
      } else if (event.type === scheduler.Event_Type.UPDATE) {
        const status = event.update!.status!;
        if (status.uuid.length > 0) sub.acknowledge(status).catch(() => {});
        if (status.state === TaskState.TASK_FINISHED) finished++;
        else if (status.state === TaskState.TASK_FAILED || status.state === TaskState.TASK_ERROR || status.state === TaskState.TASK_LOST) failed++;
        if (finished + failed >= TASKS) done();
      }
    }
  })();
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `launch-throughput agents=${agentCount} tasks=${TASKS} in_flight<=${IN_FLIGHT} finished=${finished} failed=${failed} seconds=${seconds.toFixed(2)} tasks_per_second=${(finished / seconds).toFixed(1)}`,
  );
  sub.close();
  for (const a of agents) await a.stop();
  await master.stop();
}

await measure(1, "cpus:8;mem:8192;disk:1000");
await measure(50, "cpus:2;mem:2048;disk:1000");
process.exit(0);
