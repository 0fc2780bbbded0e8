/** Offer operations: bad input, reconciliation, agent loss, and crash durability. */
import { expect, test } from "bun:test";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createOperatorClient } from "@mesos/client";
import { ManualClock } from "@mesos/core";
import { type Offer_OperationSchema, OperationState, type ResourceSchema, scheduler, Value_Type } from "@mesos/proto";
import { eventually, freePort, startTestAgent, startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";

const cleanup = useCleanups();

const reservedFor = (role: string, name: string, value: number) =>
  ({ name, type: Value_Type.SCALAR, scalar: { value }, reservations: [{ type: 2, role }] }) satisfies MessageInitShape<typeof ResourceSchema>;

/**
 * For the tests of agent loss: the agent is unreachable 2 s after it stops. Not shorter: master and
 * agent share this process, and on a loaded machine its stalls made a shorter timeout drop a
 * running agent (its re-registration then disturbed the test).
 */
const QUICK_AGENT_LOSS = ["--agent_ping_timeout=1secs", "--max_agent_ping_timeouts=2"];

async function cluster(agentOptions: { clock?: ManualClock; workDir?: string } = {}, frameworkOptions = {}, masterFlags: string[] = []) {
  const c = await startTestCluster(cleanup, {
    master: { flags: masterFlags },
    agent: { flags: ["--resources=cpus:2;mem:1024;disk:1024"], ...agentOptions },
    beforeRegistered: () => agentOptions.clock?.advance(1000),
    framework: { role: "db", failoverTimeout: 3600 },
    frameworkOptions,
  });
  return { ...c, operator: createOperatorClient(c.master.url) };
}

async function accept(fw: TestFramework, op: MessageInitShape<typeof Offer_OperationSchema>) {
  const [offer] = await fw.nextOffers();
  await fw.sub.accept([offer!.id!.value], [op], 0);
  return offer!;
}

const feedback = (fw: TestFramework, id: string, state?: OperationState) =>
  eventually(
    () => fw.operationStatuses.find((s) => s.operationId?.value === id && (state === undefined || s.state === state)),
    10_000,
    `feedback for ${id}`,
  );

test("reserving more than is unreserved: one OPERATION_ERROR, nothing applied", async () => {
  const { fw, agent } = await cluster();
  await accept(fw, { type: 2, id: { value: "too-much" }, reserve: { resources: [reservedFor("db", "cpus", 100)] } });
  const s = await feedback(fw, "too-much");
  expect(s.state).toBe(OperationState.OPERATION_ERROR);
  expect(s.uuid).toBeUndefined();
  expect(s.message).toContain("does not contain");
  expect(agent.ctx.total.reserved().size).toBe(0);
});

test("unreserving another role's resources is an error", async () => {
  const { fw, agent, operator } = await cluster();
  await operator.call({ type: 19, reserveResources: { agentId: agent.ctx.info.id, resources: [reservedFor("other", "cpus", 1)] } });
  await eventually(() => agent.ctx.total.reserved("other").scalar("cpus") === 1, 5000, "the operator's reservation");
  // The reservation rescinds the offer the framework may hold; its RESCIND can reach the framework
  // after it took that offer (another connection), so an attempt on a stale offer is made again.
  let s: Awaited<ReturnType<typeof feedback>>;
  for (let attempt = 0; ; attempt++) {
    const id = `steal-${attempt}`;
    await accept(fw, { type: 3, id: { value: id }, unreserve: { resources: [reservedFor("other", "cpus", 1)] } });
    s = await feedback(fw, id);
    if (!s?.message?.includes("is no longer valid") || attempt === 3) break;
  }
  expect(s!.state).toBe(OperationState.OPERATION_ERROR);
  expect(s!.message).toContain("role 'other'");
  expect(agent.ctx.total.reserved("other").scalar("cpus")).toBe(1);
});

test("operator calls: bad operations are rejected with a clear error and change nothing", async () => {
  const { agent, operator } = await cluster();
  await expect(
    operator.call({ type: 19, reserveResources: { agentId: agent.ctx.info.id, resources: [reservedFor("x", "cpus", 50)] } }),
  ).rejects.toThrow(/does not contain/);
  await expect(
    operator.call({ type: 19, reserveResources: { agentId: { value: "nope" }, resources: [reservedFor("x", "cpus", 1)] } }),
  ).rejects.toThrow("No agent found with specified ID");
  await expect(
    operator.call({ type: 20, unreserveResources: { agentId: agent.ctx.info.id, resources: [{ name: "cpus", type: 0, scalar: { value: 1 } }] } }),
  ).rejects.toThrow("is not dynamically reserved");
  await expect(
    operator.call({ type: 21, createVolumes: { agentId: agent.ctx.info.id, volumes: [{ name: "disk", type: 0, scalar: { value: 1 } }] } }),
  ).rejects.toThrow("is not a persistent volume");
  expect(agent.ctx.total.reserved().size).toBe(0);
});

test("acknowledging an unknown operation is ignored and counted; a reused id reports the latest", async () => {
  const { master, fw, agent } = await cluster();
  await fw.sub.call({
    type: scheduler.Call_Type.ACKNOWLEDGE_OPERATION_STATUS,
    acknowledgeOperationStatus: { agentId: agent.ctx.info.id, operationId: { value: "never" }, uuid: new Uint8Array(16) },
  });
  expect(master.ctx.metrics.get("master/invalid_operation_status_update_acknowledgements")).toBe(1);

  await accept(fw, { type: 2, id: { value: "dup" }, reserve: { resources: [reservedFor("db", "cpus", 0.5)] } });
  await feedback(fw, "dup", OperationState.OPERATION_FINISHED);
  await accept(fw, { type: 2, id: { value: "dup" }, reserve: { resources: [reservedFor("db", "mem", 64)] } });
  await eventually(() => fw.operationStatuses.filter((s) => s.operationId?.value === "dup").length === 2, 5000, "both");
  expect(agent.ctx.total.reserved("db").scalar("cpus")).toBe(0.5);
  expect(agent.ctx.total.reserved("db").scalar("mem")).toBe(64);
});

test("RECONCILE_OPERATIONS answers by Mesos 1.8's rules, without uuids", async () => {
  const { fw, agent } = await cluster({}, { autoAcknowledgeOperations: false });
  await accept(fw, { type: 2, id: { value: "kept" }, reserve: { resources: [reservedFor("db", "cpus", 1)] } });
  await feedback(fw, "kept", OperationState.OPERATION_FINISHED);
  const before = fw.operationStatuses.length;
  const agentId = agent.ctx.info.id!.value;
  await fw.sub.call({
    type: scheduler.Call_Type.RECONCILE_OPERATIONS,
    reconcileOperations: {
      operations: [
        { operationId: { value: "kept" }, agentId: { value: agentId } },
        { operationId: { value: "unknown-on-agent" }, agentId: { value: agentId } },
        { operationId: { value: "unknown-agent" }, agentId: { value: "no-such-agent" } },
        { operationId: { value: "no-agent" } },
      ],
    },
  });
  const answers = await eventually(
    () => (fw.operationStatuses.length >= before + 4 ? fw.operationStatuses.slice(before) : undefined),
    5000,
    "answers",
  );
  expect(answers.map((s) => [s.operationId?.value, OperationState[s.state]])).toEqual([
    ["kept", "OPERATION_FINISHED"],
    ["unknown-on-agent", "OPERATION_UNKNOWN"],
    ["unknown-agent", "OPERATION_UNKNOWN"],
    ["no-agent", "OPERATION_UNKNOWN"],
  ]);
  expect(answers.every((s) => s.uuid === undefined)).toBe(true);
  await fw.sub.call({ type: scheduler.Call_Type.RECONCILE_OPERATIONS, reconcileOperations: {} });
  await eventually(() => fw.operationStatuses.length === before + 5, 5000, "the implicit answer");
  expect(fw.operationStatuses[before + 4]!.operationId?.value).toBe("kept");
});

test("agent loss: OPERATION_UNREACHABLE, then MARK_AGENT_GONE gives GONE_BY_OPERATOR and reconciliation agrees", async () => {
  const { fw, agent, operator } = await cluster({}, { autoAcknowledgeOperations: false }, QUICK_AGENT_LOSS);
  const agentId = agent.ctx.info.id!.value;
  await accept(fw, { type: 2, id: { value: "pending" }, reserve: { resources: [reservedFor("db", "cpus", 1)] } });
  await feedback(fw, "pending", OperationState.OPERATION_FINISHED);
  await agent.stop();
  const unreachable = await feedback(fw, "pending", OperationState.OPERATION_UNREACHABLE);
  expect(unreachable.agentId?.value).toBe(agentId);
  expect(unreachable.uuid).toBeUndefined();
  await operator.call({ type: 32, markAgentGone: { agentId: { value: agentId } } });
  await fw.sub.call({
    type: scheduler.Call_Type.RECONCILE_OPERATIONS,
    reconcileOperations: { operations: [{ operationId: { value: "pending" }, agentId: { value: agentId } }] },
  });
  await feedback(fw, "pending", OperationState.OPERATION_GONE_BY_OPERATOR);
});

test("an agent crash before the acknowledgement: the status is resent and acknowledged once; the reservation exists once", async () => {
  const workDir = tempDir("agent");
  const { master, fw, agent } = await cluster({ workDir }, { autoAcknowledgeOperations: false });
  await accept(fw, { type: 2, id: { value: "durable" }, reserve: { resources: [reservedFor("db", "cpus", 1)] } });
  const first = await feedback(fw, "durable", OperationState.OPERATION_FINISHED);
  await agent.stop();
  const again = await startTestAgent(master, { workDir, flags: ["--resources=cpus:2;mem:1024;disk:1024"] });
  cleanup(() => again.stop());
  await again.registered;
  await eventually(
    () => fw.operationStatuses.filter((s) => s.operationId?.value === "durable" && s.state === OperationState.OPERATION_FINISHED).length === 2,
    10_000,
    "the resent status",
  );
  const resent = fw.operationStatuses.filter((s) => s.operationId?.value === "durable")[1]!;
  expect(resent.uuid?.value).toEqual(first.uuid!.value);
  await fw.sub.call({
    type: scheduler.Call_Type.ACKNOWLEDGE_OPERATION_STATUS,
    acknowledgeOperationStatus: { agentId: resent.agentId, operationId: resent.operationId, uuid: resent.uuid!.value },
  });
  await eventually(() => again.ctx.operations.size === 0, 5000, "the acknowledged operation to be forgotten");
  expect(again.ctx.total.reserved("db").scalar("cpus")).toBe(1);
  expect(master.ctx.agents.get(again.ctx.info.id!.value)!.total.reserved("db").scalar("cpus")).toBe(1);
});

test("unacknowledged statuses are resent every 10 s and more slowly after", async () => {
  const clock = new ManualClock(Date.now());
  const { fw } = await cluster({ clock }, { autoAcknowledgeOperations: false });
  await accept(fw, { type: 2, id: { value: "slow" }, reserve: { resources: [reservedFor("db", "cpus", 1)] } });
  await feedback(fw, "slow", OperationState.OPERATION_FINISHED);
  const count = () => fw.operationStatuses.filter((s) => s.operationId?.value === "slow").length;
  clock.advance(9_900);
  await Bun.sleep(100);
  expect(count()).toBe(1);
  clock.advance(100);
  await eventually(() => count() === 2, 5000, "the first retry");
  clock.advance(19_000);
  await Bun.sleep(100);
  expect(count()).toBe(2);
  clock.advance(1_000);
  await eventually(() => count() === 3, 5000, "the second retry");
});

test("a master restart: the reservation comes back with the agent and the pending status still reaches the framework", async () => {
  const port = freePort();
  // The agent's clock jumps by minutes (its backoff, its retries) while the master pings on real
  // time: a long total ping timeout keeps the agent's liveness check (on its clock) from dropping the link.
  const flags = [`--work_dir=${tempDir("master")}`, `--port=${port}`, "--agent_ping_timeout=15mins", "--max_agent_ping_timeouts=100"];
  let master = await startTestMaster({ flags });
  const clock = new ManualClock(Date.now());
  const agent = await startTestAgent(master, { clock, flags: ["--resources=cpus:2;mem:1024;disk:1024"] });
  cleanup(() => agent.stop());
  clock.advance(1000);
  await agent.registered;
  const info = { role: "db", failoverTimeout: 3600 };
  const fw = await startTestFramework(master.url, info, { autoAcknowledgeOperations: false });
  await accept(fw, { type: 2, id: { value: "across" }, reserve: { resources: [reservedFor("db", "mem", 256)] } });
  const first = await feedback(fw, "across", OperationState.OPERATION_FINISHED);
  fw.close();
  await master.stop();

  master = await startTestMaster({ flags });
  cleanup(() => master.stop());
  const agentId = agent.ctx.info.id!.value;
  await eventually(
    () => {
      clock.advance(60_000); // the agent's re-registration backoff runs on its clock
      return master.ctx.agents.get(agentId)?.connected;
    },
    10_000,
    "the agent to re-register",
  );
  expect(master.ctx.agents.get(agentId)!.total.reserved("db").scalar("mem")).toBe(256);
  expect((await createOperatorClient(master.url).call({ type: 33 })).getOperations!.operations).toHaveLength(1);

  const again = await startTestFramework(master.url, { ...info, id: { value: fw.sub.frameworkId } });
  cleanup(() => again.close());
  clock.advance(600_000); // the agent's retry timer
  const resent = await feedback(again, "across", OperationState.OPERATION_FINISHED);
  expect(resent.uuid?.value).toEqual(first.uuid!.value);
  await again.sub.call({
    type: scheduler.Call_Type.ACKNOWLEDGE_OPERATION_STATUS,
    acknowledgeOperationStatus: { agentId: resent.agentId, operationId: resent.operationId, uuid: resent.uuid!.value },
  });
  await eventually(() => agent.ctx.operations.size === 0, 5000, "the acknowledged operation to be forgotten");
});

test("an unreachable agent that comes back: its pending operation is reconciled and acknowledged", async () => {
  const workDir = tempDir("agent");
  const { master, fw, agent } = await cluster({ workDir }, { autoAcknowledgeOperations: false }, QUICK_AGENT_LOSS);
  await accept(fw, { type: 2, id: { value: "comeback" }, reserve: { resources: [reservedFor("db", "cpus", 1)] } });
  await feedback(fw, "comeback", OperationState.OPERATION_FINISHED);
  await agent.stop();
  await feedback(fw, "comeback", OperationState.OPERATION_UNREACHABLE);
  const back = await startTestAgent(master, { workDir, flags: ["--resources=cpus:2;mem:1024;disk:1024"] });
  cleanup(() => back.stop());
  await back.registered;
  const finished = await eventually(
    () => fw.operationStatuses.filter((s) => s.operationId?.value === "comeback" && s.state === OperationState.OPERATION_FINISHED)[1],
    10_000,
    "the re-sent status",
  );
  await fw.sub.call({
    type: scheduler.Call_Type.ACKNOWLEDGE_OPERATION_STATUS,
    acknowledgeOperationStatus: { agentId: finished.agentId, operationId: finished.operationId, uuid: finished.uuid!.value },
  });
  await eventually(() => back.ctx.operations.size === 0, 5000, "the operation to be forgotten");
  expect(back.ctx.total.reserved("db").scalar("cpus")).toBe(1);
});

test("an operation in an ACCEPT with a stale offer gets OPERATION_ERROR", async () => {
  const { fw } = await cluster();
  await fw.sub.accept(["gone-offer"], [{ type: 2, id: { value: "stale" }, reserve: { resources: [reservedFor("db", "cpus", 1)] } }]);
  const s = await feedback(fw, "stale");
  expect(s.state).toBe(OperationState.OPERATION_ERROR);
  expect(s.message).toContain("Offer gone-offer is no longer valid");
});
