/**
 * Offer operations with feedback on an agent's default resources: a framework reserves, creates a
 * persistent volume, writes into it from one task and reads it from another, then destroys the
 * volume and unreserves; every step is an UPDATE_OPERATION_STATUS it acknowledges.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createOperatorClient } from "@mesos/client";
import { Resources, upgradeResource } from "@mesos/core";
import type { RunningAgent } from "@mesos/agent";
import type { RunningMaster } from "@mesos/master";
import { type Offer, type Offer_OperationSchema, OperationState, type ResourceSchema, TaskState, Value_Type } from "@mesos/proto";
import { eventually, startTestAgent, startTestMaster } from "../support/cluster.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";

type ResourceInit = MessageInitShape<typeof ResourceSchema>;
const dyn = [{ type: 2, role: "db", principal: "ops" }];
const reserved = (name: string, value: number) => ({ name, type: Value_Type.SCALAR, scalar: { value }, reservations: dyn }) satisfies ResourceInit;
const volume = (size: number) =>
  ({
    ...reserved("disk", size),
    disk: { persistence: { id: "v1", principal: "ops" }, volume: { containerPath: "data", mode: 1 } },
  }) satisfies ResourceInit;

let master: RunningMaster;
let agent: RunningAgent;
let fw: TestFramework;

beforeAll(async () => {
  master = await startTestMaster();
  agent = await startTestAgent(master, { flags: ["--resources=cpus:2;mem:1024;disk:1024"] });
  await agent.registered;
  fw = await startTestFramework(master.url, { role: "db", principal: "ops" });
});
afterAll(async () => {
  fw.close();
  await agent.stop();
  await master.stop();
});

async function offer(where: (o: Offer) => boolean = () => true): Promise<Offer> {
  for (;;) {
    const offers = await fw.nextOffers();
    const match = offers.find(where);
    for (const o of offers) if (o !== match) await fw.sub.decline([o.id!.value], 0);
    if (match) return match;
  }
}

async function operate(op: MessageInitShape<typeof Offer_OperationSchema>, where?: (o: Offer) => boolean) {
  const o = await offer(where);
  const before = fw.operationStatuses.length;
  await fw.sub.accept([o.id!.value], [op], 0);
  return eventually(
    () => fw.operationStatuses.slice(before).find((s) => s.operationId?.value === op.id?.value),
    10_000,
    `feedback for ${op.id?.value}`,
  );
}

async function launch(taskId: string, command: string) {
  const o = await offer(hasVolume);
  await fw.sub.accept(
    [o.id!.value],
    [
      {
        type: 1,
        launch: {
          taskInfos: [
            {
              name: taskId,
              taskId: { value: taskId },
              agentId: o.agentId,
              command: { value: command },
              resources: [reserved("cpus", 0.5), reserved("mem", 64), volume(32)],
            },
          ],
        },
      },
    ],
    0,
  );
}

/** Offers come in the pre-refinement format (this framework lacks RESERVATION_REFINEMENT). */
const offered = (o: Offer) => Resources.of(o.resources.map(upgradeResource)).unallocate();
const hasVolume = (o: Offer) => offered(o).persistentVolumes().size > 0;
const hasReserved = (o: Offer) => offered(o).reserved("db").scalar("disk") === 64;

describe("a volume's life, with feedback at every step", () => {
  test("RESERVE", async () => {
    const s = await operate({
      type: 2,
      id: { value: "r1" },
      reserve: { resources: [reserved("cpus", 1), reserved("mem", 128), reserved("disk", 64)] },
    });
    expect(s.state).toBe(OperationState.OPERATION_FINISHED);
    expect(s.uuid?.value).toHaveLength(16);
    expect(s.agentId?.value).toBe(agent.ctx.info.id!.value);
    expect(Resources.of(s.convertedResources).unallocate().reserved("db").scalar("cpus")).toBe(1);
  });

  test("CREATE", async () => {
    const s = await operate({ type: 4, id: { value: "c1" }, create: { volumes: [volume(32)] } }, hasReserved);
    expect(s.state).toBe(OperationState.OPERATION_FINISHED);
    expect(existsSync(join(agent.ctx.workDir, "volumes/roles/db/v1"))).toBe(true);
  });

  test("a task writes into the volume; after it is killed another reads it back", async () => {
    await launch("writer", "echo persisted > data/f && sleep 1000");
    await fw.waitForStatus("writer", TaskState.TASK_RUNNING);
    await eventually(() => existsSync(join(agent.ctx.workDir, "volumes/roles/db/v1/f")), 5000, "the file");
    const o = await createOperatorClient(master.url)
      .call({
        type: 22,
        destroyVolumes: { agentId: agent.ctx.info.id, volumes: [volume(32)] },
      })
      .catch((e: Error) => e);
    expect(String(o)).toContain("Persistent volume 'v1' is in use by task writer");
    await fw.sub.kill("writer");
    await fw.waitForStatus("writer", TaskState.TASK_KILLED);
    await launch("reader", "cat data/f");
    await fw.waitForStatus("reader", TaskState.TASK_FINISHED);
    const sandbox = join(agent.ctx.workDir, "slaves", agent.ctx.info.id!.value, "frameworks", fw.sub.frameworkId, "executors/reader/runs/latest");
    expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe("persisted\n");
  });

  test("DESTROY", async () => {
    const s = await operate({ type: 5, id: { value: "d1" }, destroy: { volumes: [volume(32)] } }, hasVolume);
    expect(s.state).toBe(OperationState.OPERATION_FINISHED);
    expect(existsSync(join(agent.ctx.workDir, "volumes/roles/db/v1"))).toBe(false);
  });

  test("UNRESERVE", async () => {
    const s = await operate(
      { type: 3, id: { value: "u1" }, unreserve: { resources: [reserved("cpus", 1), reserved("mem", 128), reserved("disk", 64)] } },
      hasReserved,
    );
    expect(s.state).toBe(OperationState.OPERATION_FINISHED);
    expect(agent.ctx.total.reserved().size).toBe(0);
  });

  test("every status had a uuid and was acknowledged, so the operations are forgotten", async () => {
    expect(fw.operationStatuses.map((s) => [s.operationId?.value, OperationState[s.state]])).toEqual([
      ["r1", "OPERATION_FINISHED"],
      ["c1", "OPERATION_FINISHED"],
      ["d1", "OPERATION_FINISHED"],
      ["u1", "OPERATION_FINISHED"],
    ]);
    await eventually(() => agent.ctx.operations.size === 0, 5000, "the agent to forget acknowledged operations");
    expect((await createOperatorClient(master.url).call({ type: 33 })).getOperations!.operations).toHaveLength(0);
  });
});
