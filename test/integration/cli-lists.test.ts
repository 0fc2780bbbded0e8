/** `mesos agent list`, `mesos framework list`, `mesos task list [--all]` against a live cluster. */
import { afterAll, beforeAll, expect, spyOn, test } from "bun:test";
import { runCli } from "@mesos/cli";
import type { RunningAgent } from "@mesos/agent";
import type { RunningMaster } from "@mesos/master";
import { TaskState } from "@mesos/proto";
import { startTestAgent, startTestMaster } from "../support/cluster.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";

let master: RunningMaster;
let agent: RunningAgent;
let fw: TestFramework;

beforeAll(async () => {
  master = await startTestMaster();
  agent = await startTestAgent(master);
  await agent.registered;
  fw = await startTestFramework(master.url, { name: "lister" });
  const [offer] = await fw.nextOffers();
  const task = (id: string, cmd: string) => ({
    name: id,
    taskId: { value: id },
    agentId: offer!.agentId,
    command: { value: cmd },
    resources: [{ name: "cpus", type: 0, scalar: { value: 0.1 } }],
  });
  await fw.sub.accept([offer!.id!.value], [{ type: 1, launch: { taskInfos: [task("runs", "sleep 1000"), task("ends", "true")] } }]);
  await fw.waitForStatus("runs", TaskState.TASK_RUNNING);
  await fw.waitForStatus("ends", TaskState.TASK_FINISHED);
});
afterAll(async () => {
  fw.close();
  await agent.stop();
  await master.stop();
});

async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const spy = spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  try {
    const code = await runCli([...argv, `--master=${master.url.replace("http://", "")}`]);
    return { code, out: lines.join("\n") };
  } finally {
    spy.mockRestore();
  }
}

test("agent list shows the agent and its resources", async () => {
  const { code, out } = await cli("agent", "list");
  expect(code).toBe(0);
  expect(out).toMatch(/AGENT ID\s+HOSTNAME\s+ACTIVE\s+CPUS\s+MEM\s+DISK/);
  expect(out).toContain(agent.ctx.info.id!.value);
  expect(out).toMatch(/true\s+4\s+4096\s+10000/);
});

test("framework list and task list (running only, or --all)", async () => {
  expect((await cli("framework", "list")).out).toMatch(/lister\s+true\s+\*\s+0\.1/);
  const running = (await cli("task", "list")).out;
  expect(running).toContain("runs");
  expect(running).not.toContain("ends");
  const all = (await cli("task", "list", "--all")).out;
  expect(all).toMatch(/ends\s+ends\s+TASK_FINISHED/);
});

test("an unknown command is a usage error (64), an unreachable master unavailable (69)", async () => {
  const errors: string[] = [];
  const spy = spyOn(console, "error").mockImplementation((...args: unknown[]) => void errors.push(args.join(" ")));
  try {
    expect(await runCli(["task", "fly"])).toBe(64);
    expect(await runCli(["agent", "list", "--master=127.0.0.1:1"])).toBe(69);
  } finally {
    spy.mockRestore();
  }
  expect(errors[0]).toContain("unknown command");
  expect(errors[1]).toMatch(/^Error: /);
});
