/**
 * Fault suite: the agent (the compiled binary) is killed with SIGKILL and started again on its work
 * dir, again and again, while a checkpointing framework keeps launching short tasks. Invariants:
 * every task reaches exactly one terminal state as the framework sees it, no update is shown again
 * after the framework acknowledged it, nothing is left running or stuck. 3 kills in `npm test`;
 * MESOS_FAULT_ROUNDS=20 for the long form. The counts are printed.
 */
import { afterAll, expect, test } from "bun:test";
import { seededRandom } from "@mesos/core";
import { type Daemon, startDaemon, stopAllDaemons } from "../support/binary.ts";
import { describeUpdates, startChurnFramework } from "../support/churn-framework.ts";
import { startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";

const ROUNDS = Number(process.env.MESOS_FAULT_ROUNDS) || 3;
const cleanup = useCleanups();
afterAll(stopAllDaemons);

test(`agent kill -9 loop (${ROUNDS} kills): every task ends exactly once, no update after its acknowledgement`, async () => {
  const master = await startTestMaster({ flags: ["--allocation_interval=100ms"] });
  cleanup(() => master.stop());
  const args = [
    "agent",
    `--master=${master.url.replace("http://", "")}`,
    `--work_dir=${tempDir("kill-loop")}`,
    "--port=0",
    "--resources=cpus:2;mem:1024;disk:1000",
    "--registration_backoff_factor=10ms",
  ];
  const start = async () => {
    const agent = startDaemon(args);
    await agent.waitFor(/Registered with master/, 30_000);
    return agent;
  };
  let agent: Daemon = await start();
  const fw = await startChurnFramework(master.url);
  cleanup(() => fw.close());

  const random = seededRandom(20);
  for (let round = 0; round < ROUNDS; round++) {
    await Bun.sleep(300 + random() * 1200);
    await agent.kill("SIGKILL");
    agent = await start();
  }
  await Bun.sleep(1000);
  fw.stopLaunching();
  await fw.settle(60_000 + ROUNDS * 2000);

  const counts = fw.counts();
  console.log(`agent kill -9 loop, ${ROUNDS} kills: ${JSON.stringify(counts)}`);
  if (process.env.FAULT_DEBUG) for (const [id, seen] of fw.updates) console.log(id, describeUpdates(seen));
  expect(counts.launched).toBeGreaterThan(0);
  expect(counts.open).toBe(0);
  expect(counts.conflicting).toBe(0);
  expect(counts.duplicatedAfterAck).toBe(0);
  expect(counts.lostAfterRunning).toBe(0);
}, 300_000);
