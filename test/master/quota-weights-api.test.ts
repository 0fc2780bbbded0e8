/**
 * Quota, weights and UPDATE_FRAMEWORK through the operator and scheduler APIs: validation, the
 * capacity check, persistence across a master restart. (How the allocator honours them is tested
 * beside the allocator; quota after a failover with agents coming back is in
 * test/integration/quota-recovery.test.ts.) Master, agent and framework in memory.
 */
import { expect, test } from "bun:test";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createOperatorClient } from "@mesos/client";
import { openSqliteRegistry, type RegistryStore } from "@mesos/master";
import { FrameworkInfo_Capability_Type, type master, scheduler } from "@mesos/proto";
import { join } from "node:path";
import { eventually, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

const scalar = (name: string, value: number) => ({ name, type: 0, scalar: { value } });

async function cluster(registry?: RegistryStore) {
  const m = await createInMemoryMaster(cleanup, { registry });
  const agent = await attachInMemoryAgent(m, cleanup, { flags: ["--resources=cpus:15;mem:4096;disk:1000"] });
  await agent.registered;
  return { master: m, agent, op: createOperatorClient(m.transport) };
}

test("SET_QUOTA, GET_QUOTA, REMOVE_QUOTA; the capacity check answers conflict unless forced", async () => {
  const { op } = await cluster();
  await op.call({ type: 29, setQuota: { quotaRequest: { role: "analytics", guarantee: [scalar("cpus", 10), scalar("mem", 1024)] } } });
  const status = (await op.call({ type: 28 })).getQuota!.status!;
  expect(status.infos.map((i) => [i.role, i.guarantee.map((r) => `${r.name}:${r.scalar?.value}`)])).toEqual([["analytics", ["cpus:10", "mem:1024"]]]);
  expect(status.configs[0]!.limits.cpus!.value).toBe(10);

  await expect(op.call({ type: 29, setQuota: { quotaRequest: { role: "web", guarantee: [scalar("cpus", 10)] } } })).rejects.toThrow(
    /Not enough available cluster capacity.*cpus \(20 needed, 15 available\)/,
  );
  await op.call({ type: 29, setQuota: { quotaRequest: { role: "web", force: true, guarantee: [scalar("cpus", 10)] } } });
  await op.call({ type: 30, removeQuota: { role: "web" } });
  expect((await op.call({ type: 28 })).getQuota!.status!.infos.map((i) => i.role)).toEqual(["analytics"]);
});

test.each<[string, MessageInitShape<typeof master.CallSchema>, string]>([
  ["a nested role", { type: 29, setQuota: { quotaRequest: { role: "a/b", guarantee: [scalar("cpus", 1)] } } }, "top-level roles"],
  ["role '*'", { type: 29, setQuota: { quotaRequest: { role: "*", guarantee: [scalar("cpus", 1)] } } }, "role '*'"],
  [
    "a non-scalar",
    { type: 29, setQuota: { quotaRequest: { role: "r", guarantee: [{ name: "ports", type: 1, ranges: { range: [{ begin: 1n, end: 2n }] } }] } } },
    "only contain scalar",
  ],
  [
    "a reserved resource",
    { type: 29, setQuota: { quotaRequest: { role: "r", guarantee: [{ ...scalar("cpus", 1), reservations: [{ type: 2, role: "r" }] }] } } },
    "plain resources",
  ],
  ["removing a quota that is not there", { type: 30, removeQuota: { role: "none" } }, "has no quota"],
  [
    "a guarantee above its limit",
    { type: 36, updateQuota: { quotaConfigs: [{ role: "r", guarantees: { cpus: { value: 2 } }, limits: { cpus: { value: 1 } } }] } },
    "exceeds its limit",
  ],
  ["a negative weight", { type: 16, updateWeights: { weightInfos: [{ role: "r", weight: -1 }] } }, "positive number"],
  ["a weight for an invalid role", { type: 16, updateWeights: { weightInfos: [{ role: "/r", weight: 2 }] } }, "cannot start with a slash"],
])("rejects %s", async (_, call, message) => {
  const { op } = await cluster();
  await expect(op.call(call)).rejects.toThrow(message);
});

test("UPDATE_QUOTA sets guarantees and limits; weights and quota survive a master restart", async () => {
  const path = join(tempDir("master"), "registry.db");
  const registry = openSqliteRegistry(path);
  const first = await cluster(registry);
  await first.op.call({
    type: 36,
    updateQuota: { quotaConfigs: [{ role: "batch", guarantees: { cpus: { value: 2 } }, limits: { cpus: { value: 8 }, mem: { value: 2048 } } }] },
  });
  await first.op.call({
    type: 16,
    updateWeights: {
      weightInfos: [
        { role: "batch", weight: 2.5 },
        { role: "web", weight: 1 },
      ],
    },
  });
  // (stopping twice is harmless: the registered cleanups run again after the test)
  first.agent.link.stop();
  first.master.stop();
  registry.close();

  const reopened = openSqliteRegistry(path);
  cleanup(() => reopened.close());
  const again = await createInMemoryMaster(cleanup, { registry: reopened });
  const op = createOperatorClient(again.transport);
  const config = (await op.call({ type: 28 })).getQuota!.status!.configs[0]!;
  expect([config.role, config.guarantees.cpus!.value, config.limits.cpus!.value, config.limits.mem!.value]).toEqual(["batch", 2, 8, 2048]);
  const weights = (await op.call({ type: 15 })).getWeights!.weightInfos.map((w) => [w.role, w.weight]);
  expect(weights).toEqual([["batch", 2.5]]);
});

test("UPDATE_FRAMEWORK changes a live framework's roles; offers for the role it left are rescinded", async () => {
  const { master: m } = await cluster();
  const capabilities = [{ type: FrameworkInfo_Capability_Type.MULTI_ROLE }];
  const fw = await startTestFramework(m.transport, { roles: ["a"], capabilities, failoverTimeout: 60 });
  cleanup(() => fw.close());
  const [offer] = await fw.nextOffers();
  expect(offer!.allocationInfo!.role).toBe("a");
  const info = { user: "root", name: "renamed", id: { value: fw.sub.frameworkId }, roles: ["b"], capabilities, failoverTimeout: 60 };
  await fw.sub.call({ type: scheduler.Call_Type.UPDATE_FRAMEWORK, updateFramework: { frameworkInfo: info } });
  await eventually(
    () => fw.events.some((e) => e.type === scheduler.Event_Type.RESCIND && e.rescind!.offerId!.value === offer!.id!.value),
    5000,
    "the rescind",
  );
  const [next] = await fw.nextOffers();
  expect(next!.allocationInfo!.role).toBe("b");
  const frameworks = await createOperatorClient(m.transport).getFrameworks();
  expect(frameworks.frameworks[0]!.frameworkInfo!.name).toBe("renamed");

  await expect(
    fw.sub.call({ type: scheduler.Call_Type.UPDATE_FRAMEWORK, updateFramework: { frameworkInfo: { ...info, user: "someone-else" } } }),
  ).rejects.toThrow("Updating 'FrameworkInfo.user' is not supported");
  await expect(
    fw.sub.call({ type: scheduler.Call_Type.UPDATE_FRAMEWORK, updateFramework: { frameworkInfo: { ...info, id: { value: "other" } } } }),
  ).rejects.toThrow("must be");
});
