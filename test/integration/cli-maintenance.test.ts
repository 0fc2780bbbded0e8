/**
 * `mesos maintenance schedule|status|down|up` against a master and an agent listening on sockets,
 * through the v1 operator HTTP API: a window added for the agent's machine, the status as a table
 * and as Mesos's JSON, the machine taken DOWN (the agent is removed) and brought UP, a schedule
 * replaced from a file, and refusals printed as one line with the usage exit code.
 */
import { afterAll, beforeAll, expect, spyOn, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningAgent } from "@mesos/agent";
import { runCli } from "@mesos/cli";
import type { RunningMaster } from "@mesos/master";
import { eventually, startTestAgent, startTestMaster, tempDir } from "../support/cluster.ts";

let master: RunningMaster;
let agent: RunningAgent;

beforeAll(async () => {
  master = await startTestMaster();
  agent = await startTestAgent(master, { flags: ["--hostname=node1"] });
  await agent.registered;
});
afterAll(async () => {
  await agent.stop();
  await master.stop();
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = spyOn(console, "log").mockImplementation((...args: unknown[]) => void out.push(args.join(" ")));
  const error = spyOn(console, "error").mockImplementation((...args: unknown[]) => void err.push(args.join(" ")));
  try {
    const code = await runCli([...argv, `--master=${master.url.replace("http://", "")}`]);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

test("schedule a window, follow the status, take the machine down and up", async () => {
  expect((await cli("maintenance", "schedule", "node1@127.0.0.1", "--start=2030-01-01T00:00:00Z", "--duration=2hrs")).code).toBe(0);
  const schedule = await cli("maintenance", "schedule");
  expect(schedule.out).toMatch(/MACHINE\s+START\s+DURATION\n\s*node1@127\.0\.0\.1\s+2030-01-01T00:00:00\.000Z\s+2hrs/);
  expect(JSON.parse((await cli("maintenance", "schedule", "--json")).out)).toEqual({
    windows: [
      {
        machine_ids: [{ hostname: "node1", ip: "127.0.0.1" }],
        unavailability: { start: { nanoseconds: 1_893_456_000_000_000_000 }, duration: { nanoseconds: 7_200_000_000_000 } },
      },
    ],
  });
  expect((await cli("maintenance", "status")).out).toMatch(/node1@127\.0\.0\.1\s+DRAINING/);

  expect((await cli("maintenance", "down", "node1@127.0.0.1")).code).toBe(0);
  await eventually(() => master.ctx.agents.size === 0, 10_000, "the agent to be removed");
  expect(JSON.parse((await cli("maintenance", "status", "--json")).out)).toEqual({ down_machines: [{ hostname: "node1", ip: "127.0.0.1" }] });

  expect((await cli("maintenance", "up", "node1@127.0.0.1")).code).toBe(0);
  expect((await cli("maintenance", "schedule", "--json")).out).toBe("{}");
});

test("a schedule from a file replaces the whole schedule; refusals are one line and exit 64", async () => {
  const file = join(tempDir("schedule"), "schedule.json");
  const window = (hostname: string) => ({ machine_ids: [{ hostname }], unavailability: { start: { nanoseconds: 0 } } });
  writeFileSync(file, JSON.stringify({ windows: [window("a"), window("b")] }));
  expect((await cli("maintenance", "schedule", `--file=${file}`)).code).toBe(0);
  expect((await cli("maintenance", "schedule")).out).toMatch(/a\s+1970-01-01T00:00:00\.000Z\s+unbounded\n\s*b\s+/);

  const twice = await cli("maintenance", "schedule", "a", "--start=now");
  expect([twice.code, twice.err]).toEqual([64, `Error: Machine '{"hostname":"a"}' appears more than once in the schedule.`]);
  const notDown = await cli("maintenance", "up", "b");
  expect([notDown.code, notDown.err]).toEqual([64, `Error: Machine '{"hostname":"b"}' is not in DOWN mode and cannot be brought up.`]);
  expect((await cli("maintenance", "down", "@")).err).toBe("Error: Invalid machine '@': expected HOSTNAME@IP, HOSTNAME or @IP.");
  expect((await cli("maintenance", "schedule", "c")).err).toBe("Error: --start is required to schedule machines.");

  writeFileSync(file, "{}");
  expect((await cli("maintenance", "schedule", `--file=${file}`)).code).toBe(0);
  expect((await cli("maintenance", "status", "--json")).out).toBe("{}");
});
