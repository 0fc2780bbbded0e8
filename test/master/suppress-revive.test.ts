/**
 * SUPPRESS and REVIVE through the master, with Mesos's rule that a bad role drops the whole call.
 * Master, agent and framework in memory.
 */
import { expect, test } from "bun:test";
import { scheduler } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

test("SUPPRESS naming an unsubscribed role is accepted and changes nothing; a valid SUPPRESS stops offers; REVIVE resumes them", async () => {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=50ms"] });
  const agent = await attachInMemoryAgent(master, cleanup, { flags: ["--resources=cpus:2;mem:1024"] });
  await agent.registered;
  const fw = await startTestFramework(master.transport, { role: "web" });
  cleanup(() => fw.close());

  await fw.sub.call({ type: scheduler.Call_Type.SUPPRESS, suppress: { roles: ["web", "not-mine"] } });
  const [first] = await fw.nextOffers();
  await fw.sub.decline([first!.id!.value], 0);
  expect((await fw.nextOffers()).length).toBeGreaterThan(0); // still offered: the call was dropped

  await fw.sub.call({ type: scheduler.Call_Type.SUPPRESS, suppress: { roles: ["web"] } });
  for (const o of fw.offers) await fw.sub.decline([o.id!.value], 0).catch(() => {});
  const before = fw.offers.length;
  await Bun.sleep(400); // several 50 ms allocation cycles
  expect(fw.offers.length).toBe(before);

  await fw.sub.call({ type: scheduler.Call_Type.REVIVE });
  expect((await fw.nextOffers()).length).toBeGreaterThan(0);
});
