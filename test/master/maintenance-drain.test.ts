/**
 * Draining a machine end to end, in memory (real master handlers and owners, the real agent code
 * with a simulated containerizer, a framework on the Scheduler service): a schedule makes offers
 * of the machine's agent carry the unavailability and the framework using it gets an inverse
 * offer, whose answer GET_MAINTENANCE_STATUS shows; START_MAINTENANCE shuts the agent down and
 * removes it (its task TASK_LOST with REASON_AGENT_REMOVED, frameworks told FAILURE; the agent kills
 * it) and refuses it
 * while the machine is DOWN; STOP_MAINTENANCE lets it back. The schedule and the modes live in the
 * registry: a master restarted in DRAINING or DOWN carries on where it was.
 */
import { expect, test } from "bun:test";
import { createClient } from "@connectrpc/connect";
import { createOperatorClient } from "@mesos/client";
import { openSqliteRegistry } from "@mesos/master";
import { allocator, master as masterApi, scheduler, TaskState, TaskStatus_Reason, TaskStatus_Source } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { eventually } from "../support/cluster.ts";
import { startTestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();
const T = masterApi.Call_Type;

/** The in-memory agent's machine: its --hostname and the ip of its endpoint (http://127.0.0.1:5051). */
const machine = { hostname: "machine1", ip: "127.0.0.1" };
const start = BigInt(Date.now() + 3_600_000) * 1_000_000n;
const unavailability = { start: { nanoseconds: start }, duration: { nanoseconds: 7_200_000_000_000n } };
const agentFlags = ["--hostname=machine1"];

function operator(master: InMemoryMaster) {
  const op = createOperatorClient(master.transport);
  return {
    schedule: (machines = [machine]) =>
      op.call({
        type: T.UPDATE_MAINTENANCE_SCHEDULE,
        updateMaintenanceSchedule: { schedule: { windows: [{ machineIds: machines, unavailability }] } },
      }),
    down: () => op.call({ type: T.START_MAINTENANCE, startMaintenance: { machines: [machine] } }),
    up: () => op.call({ type: T.STOP_MAINTENANCE, stopMaintenance: { machines: [machine] } }),
    status: async () => (await op.call({ type: T.GET_MAINTENANCE_STATUS })).getMaintenanceStatus!.status!,
    getSchedule: async () => (await op.call({ type: T.GET_MAINTENANCE_SCHEDULE })).getMaintenanceSchedule!.schedule!,
  };
}

test("a full drain: schedule, offers with unavailability, DOWN removes the agent and refuses it, UP lets it back", async () => {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
  const op = operator(master);
  const first = await attachInMemoryAgent(master, cleanup, { flags: agentFlags });
  const agentId = await first.registered;
  const fw = await startTestFramework(master.transport, { name: "drained" });
  cleanup(() => fw.close());

  const before = await fw.launch("t", "sleep 1000", { cpus: 1, refuseSeconds: 0 });
  expect(before.unavailability).toBeUndefined();
  await fw.waitForStatus("t", TaskState.TASK_RUNNING);

  // The schedule: outstanding offers are rescinded and come back with the unavailability.
  const offered = fw.offers.length;
  await op.schedule();
  const offer = await eventually(() => fw.offers.slice(offered).find((o) => o.unavailability), 10_000, "an offer with the unavailability");
  expect(offer!.agentId!.value).toBe(agentId);
  expect(offer!.unavailability?.start?.nanoseconds).toBe(start);
  expect(offer!.unavailability?.duration?.nanoseconds).toBe(7_200_000_000_000n);

  // The framework runs a task there: it is asked to give the agent back, and accepts.
  const inverse = await eventually(() => fw.events.find((e) => e.type === scheduler.Event_Type.INVERSE_OFFERS), 10_000, "an inverse offer");
  const [inverseOffer] = inverse.inverseOffers!.inverseOffers;
  expect([inverseOffer!.agentId!.value, inverseOffer!.frameworkId!.value, inverseOffer!.unavailability?.start?.nanoseconds]).toEqual([
    agentId,
    fw.sub.frameworkId,
    start,
  ]);
  expect(inverseOffer!.resources).toEqual([]);
  const frameworks = await createOperatorClient(master.transport).getFrameworks();
  expect(frameworks.frameworks[0]!.inverseOffers.map((o) => o.id!.value)).toEqual([inverseOffer!.id!.value]);
  await fw.sub.call({ type: scheduler.Call_Type.ACCEPT_INVERSE_OFFERS, acceptInverseOffers: { inverseOfferIds: [inverseOffer!.id!] } });
  const draining = (await op.status()).drainingMachines;
  expect(draining.map((m) => [m.id!.hostname, m.statuses.map((s) => [s.frameworkId!.value, allocator.InverseOfferStatus_Status[s.status]])])).toEqual(
    [["machine1", [[fw.sub.frameworkId, "ACCEPT"]]]],
  );
  expect(master.ctx.inverseOffers.size).toBe(0);

  // Operators subscribed to the event stream hear of what follows.
  const heard: masterApi.Event[] = [];
  const abort = new AbortController();
  cleanup(() => abort.abort());
  void (async () => {
    try {
      for await (const e of createClient(masterApi.Operator, master.transport).subscribe({ type: T.SUBSCRIBE }, { signal: abort.signal }))
        heard.push(e);
    } catch {}
  })();
  await eventually(() => heard.length > 0, 5000, "SUBSCRIBED");

  // DOWN: the agent is told to shut down and removed; its task is lost.
  await op.down();
  const lost = await fw.waitForStatus("t", TaskState.TASK_LOST);
  expect([lost.reason, lost.source, lost.message]).toEqual([
    TaskStatus_Reason.AGENT_REMOVED,
    TaskStatus_Source.MASTER,
    "Agent machine1 removed: Operator initiated 'Machine DOWN'",
  ]);
  await eventually(() => fw.events.some((e) => e.type === scheduler.Event_Type.FAILURE && e.failure?.agentId?.value === agentId), 5000, "FAILURE");
  expect(master.ctx.agents.get(agentId)).toBeUndefined();
  expect((await master.registry.load()).agents.has(agentId)).toBe(false);
  await eventually(() => !first.link.connected, 5000, "the agent's link to close");
  // The agent was told to shut down: it killed the task (no task outlives an agent declared lost).
  await eventually(() => first.containerizer.signals.some((s) => s.signal === "SIGTERM"), 5000, "the task to be killed");
  await eventually(() => first.agent.ctx.tasks.size === 0, 5000, "the agent to forget the task");
  const E = masterApi.Event_Type;
  await eventually(() => heard.some((e) => e.type === E.AGENT_REMOVED && e.agentRemoved?.agentId?.value === agentId), 5000, "AGENT_REMOVED");
  expect(heard.find((e) => e.type === E.TASK_UPDATED)?.taskUpdated?.state).toBe(TaskState.TASK_LOST);
  const status = await op.status();
  expect([status.drainingMachines.length, status.downMachines.map((m) => m.hostname)]).toEqual([0, ["machine1"]]);

  // While DOWN, an agent on the machine is refused (a new one, as after a reboot).
  let refusal = "";
  await attachInMemoryAgent(master, cleanup, { flags: agentFlags, onRefused: (r) => (refusal = r) });
  await eventually(() => refusal, 5000, "the refusal");
  expect(refusal).toContain(`the machine '{"hostname":"machine1","ip":"127.0.0.1"}' that it is running on is DOWN`);
  expect(master.ctx.agents.size).toBe(0);

  // UP: the machine leaves the schedule and an agent on it registers again; its offers carry no unavailability.
  await op.up();
  expect((await op.getSchedule()).windows).toEqual([]);
  expect(await op.status()).toMatchObject({ drainingMachines: [], downMachines: [] });
  const back = await attachInMemoryAgent(master, cleanup, { flags: agentFlags });
  const backId = await back.registered;
  const backOffer = await eventually(() => fw.offers.find((o) => o.agentId!.value === backId), 10_000, "an offer of the agent back");
  expect(backOffer.unavailability).toBeUndefined();
  await eventually(() => heard.some((e) => e.type === E.AGENT_ADDED && e.agentAdded?.agent?.agentInfo?.id?.value === backId), 5000, "AGENT_ADDED");
});

test("a machine not named exactly (hostname only) is no agent's: its offers carry no unavailability", async () => {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
  await attachInMemoryAgent(master, cleanup, { flags: agentFlags });
  const fw = await startTestFramework(master.transport);
  cleanup(() => fw.close());
  await fw.nextOffers();
  // Hostnames match without regard to case, so the first one is this agent's machine.
  let offered = fw.offers.length;
  await operator(master).schedule([{ hostname: "MACHINE1", ip: "127.0.0.1" }, { hostname: "machine1" }] as never);
  const offer = await eventually(() => fw.offers.slice(offered).find((o) => o.unavailability), 10_000, "an offer with the unavailability");
  expect(offer!.unavailability?.start?.nanoseconds).toBe(start);
  // The hostname alone names another machine: the agent's unavailability is removed.
  offered = fw.offers.length;
  await operator(master).schedule([{ hostname: "machine1" }] as never);
  await eventually(() => fw.offers.slice(offered).find((o) => !o.unavailability), 10_000, "an offer without unavailability");
});

test("a master restarted with a machine DRAINING and one DOWN keeps both modes and the schedule", async () => {
  const registry = openSqliteRegistry(":memory:");
  cleanup(() => registry.close());
  const other = { hostname: "machine2", ip: "10.0.0.2" };
  const first = await createInMemoryMaster(cleanup, { registry, loops: false });
  await operator(first).schedule([machine, other]);
  await createOperatorClient(first.transport).call({ type: T.START_MAINTENANCE, startMaintenance: { machines: [other] } });
  first.stop();

  const master = await createInMemoryMaster(cleanup, { registry, flags: ["--allocation_interval=20ms"] });
  const op = operator(master);
  expect((await op.getSchedule()).windows[0]!.machineIds.map((m) => m.hostname)).toEqual(["machine1", "machine2"]);
  const status = await op.status();
  expect([status.drainingMachines.map((m) => m.id!.hostname), status.downMachines.map((m) => m.hostname)]).toEqual([["machine1"], ["machine2"]]);

  // The DRAINING machine's agent is offered with the unavailability; the DOWN one is refused.
  await attachInMemoryAgent(master, cleanup, { flags: agentFlags });
  let refusal = "";
  await attachInMemoryAgent(master, cleanup, { flags: ["--hostname=machine2"], endpoint: "http://10.0.0.2:5051", onRefused: (r) => (refusal = r) });
  const fw = await startTestFramework(master.transport);
  cleanup(() => fw.close());
  const [offer] = await fw.nextOffers();
  expect(offer!.unavailability?.start?.nanoseconds).toBe(start);
  // Answers to inverse offers are not kept across a restart (as in Mesos): the framework holding the offer is asked anew.
  await eventually(() => fw.events.find((e) => e.type === scheduler.Event_Type.INVERSE_OFFERS), 10_000, "an inverse offer");
  await eventually(() => refusal, 5000, "the DOWN machine's agent to be refused");
  expect(master.ctx.agents.size).toBe(1);
});
