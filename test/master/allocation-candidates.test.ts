/**
 * A cycle triggered by changes on some agents visits only those agents (Mesos's allocate(slaveIds));
 * the others wait for the periodic cycle. Master (its clock held by the test), agents and framework in memory.
 */
import { expect, test } from "bun:test";
import { ManualClock } from "@mesos/core";
import { useCleanups } from "../support/cleanups.ts";
import { eventually } from "../support/cluster.ts";
import { startTestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

test("an agent whose filter expired is not offered by a cycle triggered for another agent, but by the next periodic cycle", async () => {
  const clock = new ManualClock();
  const master = await createInMemoryMaster(cleanup, { clock, flags: ["--allocation_interval=1secs"] });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push(await (await attachInMemoryAgent(master, cleanup, { endpoint: `http://127.0.0.${i + 1}:5051` })).registered);
  const fw = await startTestFramework(master.transport, { name: "partial" });
  cleanup(() => fw.close());
  clock.advance(0); // the subscription's cycle, over every agent
  await eventually(() => fw.offers.length === 3, 5_000, "an offer from each agent");
  const offerOn = (agentId: string) => fw.offers.find((o) => o.agentId!.value === agentId)!.id!.value;
  const [a, b, c] = ids as [string, string, string];
  const outstandingOn = (agentId: string) => master.ctx.offers.onAgent(agentId).length;

  // Filtered for 1.5 s, the other for long; the third offer is held.
  await fw.sub.decline([offerOn(a)], 1.5);
  await fw.sub.decline([offerOn(b)], 100);
  clock.advance(0);
  expect(master.ctx.offers.size).toBe(1);
  clock.advance(1000); // the periodic cycle: a is still filtered
  expect(master.ctx.offers.size).toBe(1);
  clock.advance(600); // a's filter has expired; the next periodic cycle is 400 ms away

  await fw.sub.decline([offerOn(c)], 100);
  clock.advance(0); // the cycle the decline triggered: over c alone, which is filtered
  expect(master.ctx.offers.size).toBe(0);
  expect(outstandingOn(a)).toBe(0);

  clock.advance(400); // the periodic cycle visits every agent
  expect(outstandingOn(a)).toBe(1);
  expect(outstandingOn(b) + outstandingOn(c)).toBe(0);
});
