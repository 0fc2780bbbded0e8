/**
 * A two-process cluster: kill -9 the agent while a checkpointed task runs, start it again on the
 * same work dir; the task keeps running, is recovered, and its FINISHED update reaches the
 * framework exactly once.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../support/cluster.ts";
import { startDaemon, stopAllDaemons } from "../support/binary.ts";

afterAll(stopAllDaemons);

test("agent kill -9 and restart keeps a checkpointed task and delivers FINISHED exactly once", async () => {
  const masterDir = tempDir("master");
  const agentDir = tempDir("agent");
  const flag = join(tempDir("flag"), "finish");
  const master = startDaemon(["master", `--work_dir=${masterDir}`, "--port=0"]);
  const [, address] = await master.waitFor(/listening on http:\/\/([\d.]+:\d+)/);
  const agentArgs = [
    "agent",
    `--master=${address}`,
    `--work_dir=${agentDir}`,
    "--port=0",
    "--resources=cpus:1;mem:512;disk:100",
    "--registration_backoff_factor=10ms",
  ];
  let agent = startDaemon(agentArgs);
  await agent.waitFor(/Registered with master/);

  const execute = startDaemon([
    "execute",
    `--master=${address}`,
    "--name=durable",
    "--checkpoint",
    `--command=while [ ! -e ${flag} ]; do sleep 0.05; done; echo finished`,
  ]);
  await execute.waitFor(/TASK_RUNNING for task 'durable'/);

  expect(await agent.kill("SIGKILL")).not.toBe(0);
  agent = startDaemon(agentArgs);
  await agent.waitFor(/Registered with master/);
  await agent.waitFor(/Recovered 1 tasks and 1 containers/);

  writeFileSync(flag, "");
  expect(await execute.proc.exited).toBe(0);
  const finished = execute.output().match(/TASK_FINISHED for task 'durable'/g) ?? [];
  expect(finished).toHaveLength(1);
  expect(existsSync(flag)).toBe(true);
});
