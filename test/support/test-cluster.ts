/**
 * The usual set-up of an integration test: a master, one registered agent and a subscribed
 * framework, each stopped after the test through the file's `useCleanups()` (the agent's
 * containers with it).
 */
import type { RunningAgent } from "@mesos/agent";
import type { RunningMaster } from "@mesos/master";
import { startTestAgent, startTestMaster, type TestAgentOptions, type TestMasterOptions } from "./cluster.ts";
import { killContainersUnder } from "./container-sweep.ts";
import { startTestFramework, type TestFramework, type TestFrameworkInfo, type TestFrameworkOptions } from "./framework.ts";

export interface TestClusterOptions {
  master?: TestMasterOptions;
  agent?: TestAgentOptions;
  /** Runs before waiting for registration (e.g. to advance the agent's manual clock). */
  beforeRegistered?: (agent: RunningAgent) => void;
  framework?: TestFrameworkInfo;
  frameworkOptions?: TestFrameworkOptions;
}

export interface TestCluster {
  master: RunningMaster;
  agent: RunningAgent;
  fw: TestFramework;
}

export async function startTestCluster(cleanup: (fn: () => unknown) => void, options: TestClusterOptions = {}): Promise<TestCluster> {
  const master = await startTestMaster(options.master);
  cleanup(() => master.stop());
  const agent = await startTestAgent(master, options.agent);
  // Stopping an agent leaves its containers running (for recovery); a torn-down cluster keeps none.
  cleanup(async () => {
    await agent.stop();
    await killContainersUnder([agent.ctx.runtimeDir, agent.ctx.workDir]);
  });
  options.beforeRegistered?.(agent);
  await agent.registered;
  const fw = await startTestFramework(master.url, options.framework, options.frameworkOptions);
  cleanup(() => fw.close());
  return { master, agent, fw };
}
