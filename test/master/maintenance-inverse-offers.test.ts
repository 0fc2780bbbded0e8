/**
 * Inverse offers on the allocator's cycle, driven by a manual clock: a framework holding resources
 * on a DRAINING machine's agent is asked once per cycle at most, declines with a filter and is not
 * asked again until it expires; a new schedule rescinds the outstanding inverse offer
 * (RESCIND_INVERSE_OFFER) and makes one with the new unavailability; --offer_timeout rescinds one
 * left unanswered; a disconnected agent's are rescinded; ids not the framework's are ignored.
 */
import { expect, test } from "bun:test";
import { createOperatorClient } from "@mesos/client";
import { ManualClock } from "@mesos/core";
import { allocator, master as masterApi, type InverseOffer, scheduler, TaskState } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { eventually } from "../support/cluster.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();
const T = masterApi.Call_Type;
const E = scheduler.Event_Type;
const machine = { hostname: "machine1", ip: "127.0.0.1" };
const window = (startNs: bigint) => ({ machineIds: [machine], unavailability: { start: { nanoseconds: startNs } } });

async function drainingCluster(flags: string[] = []) {
  const clock = new ManualClock(Date.now());
  const master = await createInMemoryMaster(cleanup, { clock, loops: false, flags });
  const agent = await attachInMemoryAgent(master, cleanup, { flags: ["--hostname=machine1"] });
  const agentId = await agent.registered;
  const fw = await startTestFramework(master.transport, { name: "holder" });
  cleanup(() => fw.close());
  master.allocateNow();
  await fw.launch("t", "sleep 1000", { cpus: 1, refuseSeconds: 1000 });
  await fw.waitForStatus("t", TaskState.TASK_RUNNING);
  const op = createOperatorClient(master.transport);
  await op.call({ type: T.UPDATE_MAINTENANCE_SCHEDULE, updateMaintenanceSchedule: { schedule: { windows: [window(1_000n)] } } });
  return { clock, master, agent, agentId, fw, op };
}

function inverseOffersOf(fw: TestFramework): InverseOffer[] {
  return fw.events.filter((e) => e.type === E.INVERSE_OFFERS).flatMap((e) => e.inverseOffers!.inverseOffers);
}

const rescinded = (fw: TestFramework) =>
  fw.events.filter((e) => e.type === E.RESCIND_INVERSE_OFFER).map((e) => e.rescindInverseOffer!.inverseOfferId!.value);

async function cycle(master: InMemoryMaster): Promise<void> {
  master.allocateNow();
  await Bun.sleep(50); // the events reach the framework's stream reader
}

test("decline with a filter: not asked again until refuse_seconds pass; the answer shows in the status", async () => {
  const { clock, master, fw, op } = await drainingCluster();
  await cycle(master);
  await cycle(master);
  const [first] = inverseOffersOf(fw);
  expect(inverseOffersOf(fw)).toHaveLength(1); // outstanding: not made again by the second cycle
  await fw.sub.call({
    type: scheduler.Call_Type.DECLINE_INVERSE_OFFERS,
    declineInverseOffers: { inverseOfferIds: [first!.id!], filters: { refuseSeconds: 30 } },
  });
  const status = (await op.call({ type: T.GET_MAINTENANCE_STATUS })).getMaintenanceStatus!.status!;
  expect(status.drainingMachines[0]!.statuses.map((s) => [s.frameworkId!.value, allocator.InverseOfferStatus_Status[s.status]])).toEqual([
    [fw.sub.frameworkId, "DECLINE"],
  ]);
  expect(status.drainingMachines[0]!.statuses[0]!.timestamp!.nanoseconds).toBe(BigInt(clock.now()) * 1_000_000n);

  clock.advance(29_000);
  await cycle(master);
  expect(inverseOffersOf(fw)).toHaveLength(1);
  clock.advance(1_000);
  await cycle(master);
  const offers = inverseOffersOf(fw);
  expect(offers).toHaveLength(2);
  expect(offers[1]!.id!.value).not.toBe(first!.id!.value);

  // Declining without filters filters for Mesos's default 5 seconds.
  await fw.sub.call({ type: scheduler.Call_Type.DECLINE_INVERSE_OFFERS, declineInverseOffers: { inverseOfferIds: [offers[1]!.id!] } });
  clock.advance(4_999);
  await cycle(master);
  expect(inverseOffersOf(fw)).toHaveLength(2);
  clock.advance(1);
  await cycle(master);
  expect(inverseOffersOf(fw)).toHaveLength(3);
});

test("a new schedule rescinds the outstanding inverse offer and makes one with the new unavailability", async () => {
  const { master, fw, op } = await drainingCluster();
  await cycle(master);
  const [first] = inverseOffersOf(fw);
  await op.call({ type: T.UPDATE_MAINTENANCE_SCHEDULE, updateMaintenanceSchedule: { schedule: { windows: [window(2_000n)] } } });
  await eventually(() => rescinded(fw).includes(first!.id!.value), 5000, "RESCIND_INVERSE_OFFER");
  await cycle(master);
  const [, second] = inverseOffersOf(fw);
  expect(second!.unavailability!.start!.nanoseconds).toBe(2_000n);

  // The machine leaves the schedule: the inverse offer is rescinded and no other is made; offers carry no unavailability.
  await op.call({ type: T.UPDATE_MAINTENANCE_SCHEDULE, updateMaintenanceSchedule: { schedule: {} } });
  await eventually(() => rescinded(fw).includes(second!.id!.value), 5000, "RESCIND_INVERSE_OFFER");
  await cycle(master);
  expect(inverseOffersOf(fw)).toHaveLength(2);
  expect(master.ctx.inverseOffers.size).toBe(0);
  // An answer to the rescinded inverse offer is ignored.
  await fw.sub.call({ type: scheduler.Call_Type.ACCEPT_INVERSE_OFFERS, acceptInverseOffers: { inverseOfferIds: [second!.id!] } });
  expect((await op.call({ type: T.GET_MAINTENANCE_STATUS })).getMaintenanceStatus!.status!.drainingMachines).toEqual([]);
});

test("--offer_timeout rescinds an unanswered inverse offer; the next cycle makes it again", async () => {
  const { clock, master, fw } = await drainingCluster(["--offer_timeout=10secs"]);
  await cycle(master);
  const [first] = inverseOffersOf(fw);
  clock.advance(10_000);
  await eventually(() => rescinded(fw).includes(first!.id!.value), 5000, "RESCIND_INVERSE_OFFER");
  await cycle(master);
  expect(inverseOffersOf(fw)).toHaveLength(2);
});

test("an inverse offer of another framework or an unknown id is ignored; a disconnected agent's are rescinded", async () => {
  const { master, fw, agent, op } = await drainingCluster();
  const other = await startTestFramework(master.transport, { name: "other" });
  cleanup(() => other.close());
  await cycle(master);
  const [mine] = inverseOffersOf(fw);
  await other.sub.call({ type: scheduler.Call_Type.ACCEPT_INVERSE_OFFERS, acceptInverseOffers: { inverseOfferIds: [mine!.id!, { value: "nope" }] } });
  expect(master.ctx.inverseOffers.get(mine!.id!.value)).toBeDefined();
  expect((await op.call({ type: T.GET_MAINTENANCE_STATUS })).getMaintenanceStatus!.status!.drainingMachines[0]!.statuses).toEqual([]);

  agent.link.stop();
  await eventually(() => rescinded(fw).includes(mine!.id!.value), 5000, "RESCIND_INVERSE_OFFER when the agent disconnects");
  expect(master.ctx.inverseOffers.size).toBe(0);
});
