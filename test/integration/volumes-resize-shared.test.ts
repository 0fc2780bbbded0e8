/** GROW_VOLUME and SHRINK_VOLUME end to end, and a shared persistent volume used by two tasks at once. */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Resources, upgradeResource } from "@mesos/core";
import { type Offer, type Offer_OperationSchema, OperationState, type ResourceSchema, TaskState, Value_Type } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";
import type { TestFramework } from "../support/framework.ts";

const cleanup = useCleanups();
type ResourceInit = MessageInitShape<typeof ResourceSchema>;
const reserved = (name: string, value: number) =>
  ({ name, type: Value_Type.SCALAR, scalar: { value }, reservations: [{ type: 2, role: "db" }] }) satisfies ResourceInit;
const volume = (id: string, size: number, shared = false) =>
  ({
    ...reserved("disk", size),
    disk: { persistence: { id }, volume: { containerPath: id, mode: 1 } },
    shared: shared ? {} : undefined,
  }) satisfies ResourceInit;

function setup(capabilities: { type: number }[] = []) {
  return startTestCluster(cleanup, {
    agent: { flags: ["--resources=cpus:2;mem:1024;disk:1024"] },
    framework: { role: "db", capabilities: [{ type: 7 }, ...capabilities] },
  });
}

const offered = (o: Offer) => Resources.of(o.resources.map(upgradeResource)).unallocate();

async function operate(fw: TestFramework, op: MessageInitShape<typeof Offer_OperationSchema>, where: (o: Offer) => boolean = () => true) {
  for (;;) {
    const offers = await fw.nextOffers();
    const o = offers.find(where);
    for (const other of offers) if (other !== o) await fw.sub.decline([other.id!.value], 0);
    if (!o) continue;
    await fw.sub.accept([o.id!.value], [op], 0);
    return eventually(() => fw.operationStatuses.find((s) => s.operationId?.value === op.id?.value), 10_000, `feedback for ${op.id?.value}`);
  }
}

test("a volume grows and shrinks; the disk it gives back is plain reserved disk again", async () => {
  const { agent, fw } = await setup();
  expect((await operate(fw, { type: 2, id: { value: "r" }, reserve: { resources: [reserved("disk", 512)] } })).state).toBe(
    OperationState.OPERATION_FINISHED,
  );
  const hasReserved = (o: Offer) => offered(o).reserved("db").scalar("disk") >= 256;
  expect((await operate(fw, { type: 4, id: { value: "c" }, create: { volumes: [volume("v", 128)] } }, hasReserved)).state).toBe(
    OperationState.OPERATION_FINISHED,
  );
  const hasVolume = (size: number) => (o: Offer) => offered(o).persistentVolumes().scalar("disk") === size;
  const grown = await operate(
    fw,
    { type: 11, id: { value: "g" }, growVolume: { volume: volume("v", 128), addition: reserved("disk", 64) } },
    hasVolume(128),
  );
  expect(grown.state).toBe(OperationState.OPERATION_FINISHED);
  expect(agent.ctx.total.persistentVolumes().scalar("disk")).toBe(192);
  const shrunk = await operate(
    fw,
    { type: 12, id: { value: "s" }, shrinkVolume: { volume: volume("v", 192), subtract: { value: 160 } } },
    hasVolume(192),
  );
  expect(shrunk.state).toBe(OperationState.OPERATION_FINISHED);
  expect(agent.ctx.total.persistentVolumes().scalar("disk")).toBe(32);
  expect(agent.ctx.total.reserved("db").scalar("disk")).toBe(512);
  const tooMuch = await operate(
    fw,
    { type: 12, id: { value: "s2" }, shrinkVolume: { volume: volume("v", 32), subtract: { value: 32 } } },
    hasVolume(32),
  );
  expect(tooMuch.state).toBe(OperationState.OPERATION_ERROR);
});

test("a shared volume (SHARED_RESOURCES) is used by two tasks at once and offered again while in use", async () => {
  const { agent, fw } = await setup([{ type: 4 }]);
  await operate(fw, { type: 2, id: { value: "r" }, reserve: { resources: [reserved("disk", 256), reserved("cpus", 1), reserved("mem", 256)] } });
  await operate(
    fw,
    { type: 4, id: { value: "c" }, create: { volumes: [volume("common", 64, true)] } },
    (o) => offered(o).reserved("db").scalar("disk") >= 64,
  );
  const withShared = (o: Offer) => offered(o).shared().size > 0;
  let offers = await fw.nextOffers();
  let o = offers.find(withShared)!;
  expect(o).toBeDefined();
  const task = (id: string, command: string) => ({
    name: id,
    taskId: { value: id },
    agentId: o.agentId,
    command: { value: command },
    resources: [reserved("cpus", 0.1), reserved("mem", 32), volume("common", 64, true)],
  });
  await fw.sub.accept(
    [o.id!.value],
    [
      {
        type: 1,
        launch: {
          taskInfos: [
            task("writer", "echo shared > common/f && sleep 1000"),
            task("reader", "while [ ! -e common/f ]; do sleep 0.05; done; cat common/f; sleep 1000"),
          ],
        },
      },
    ],
    0,
  );
  await fw.waitForStatus("writer", TaskState.TASK_RUNNING);
  await fw.waitForStatus("reader", TaskState.TASK_RUNNING);
  // Still offered while two tasks use it, so a third could join.
  offers = await fw.nextOffers();
  o = offers.find(withShared)!;
  expect(o).toBeDefined();
  await fw.sub.accept([o.id!.value], [{ type: 1, launch: { taskInfos: [task("third", "cat common/f")] } }], 0);
  await fw.waitForStatus("third", TaskState.TASK_FINISHED);
  const stdout = join(agent.ctx.workDir, "slaves", agent.ctx.info.id!.value, "frameworks", fw.sub.frameworkId, "executors/third/runs/latest/stdout");
  expect(readFileSync(stdout, "utf8")).toBe("shared\n");
});
