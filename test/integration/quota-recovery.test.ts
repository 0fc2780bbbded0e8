/**
 * Quota across a master failover: offers wait until most of the agents the registry knew are
 * back (agents restarted on their work dirs keep their ids). The quota and weights calls
 * themselves are tested against a master built in memory (test/master/quota-weights-api.test.ts).
 */
import { expect, test } from "bun:test";
import { createOperatorClient } from "@mesos/client";
import { freePort, startTestAgent, startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework } from "../support/framework.ts";

const cleanup = useCleanups();

const scalar = (name: string, value: number) => ({ name, type: 0, scalar: { value } });

test("after a master failover with quota, offers wait until 80% of the known agents are back", async () => {
  const workDir = tempDir("master");
  const port = freePort();
  const flags = [`--work_dir=${workDir}`, `--port=${port}`];
  let m = await startTestMaster({ flags });
  const dirs = [tempDir("agent"), tempDir("agent")];
  const agents = await Promise.all(dirs.map((d) => startTestAgent(m, { workDir: d, flags: ["--resources=cpus:2;mem:1024"] })));
  await Promise.all(agents.map((a) => a.registered));
  await createOperatorClient(m.url).call({ type: 29, setQuota: { quotaRequest: { role: "q", guarantee: [scalar("cpus", 1)] } } });
  for (const a of agents) await a.stop();
  await m.stop();

  m = await startTestMaster({ flags });
  cleanup(() => m.stop());
  const one = await startTestAgent(m, { workDir: dirs[0], flags: ["--resources=cpus:2;mem:1024"] });
  cleanup(() => one.stop());
  await one.registered;
  const fw = await startTestFramework(m.url, { role: "other" });
  cleanup(() => fw.close());
  m.allocateNow();
  await Bun.sleep(300);
  expect(fw.offers).toHaveLength(0);
  const two = await startTestAgent(m, { workDir: dirs[1], flags: ["--resources=cpus:2;mem:1024"] });
  cleanup(() => two.stop());
  await two.registered;
  expect((await fw.nextOffers()).length).toBeGreaterThan(0);
});
