/**
 * The daemon verbs run with the JIT policy of apps/mesos/src/jit-policy.ts: the binary executes
 * itself again with JavaScriptCore's option in its environment, under the same pid and with the
 * same arguments; an environment that sets the option already keeps its value.
 */
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { JIT_ENV } from "@mesos/mesos/jit-policy";
import { MESOS_BINARY, startDaemon, stopAllDaemons } from "../support/binary.ts";

afterAll(stopAllDaemons);

const OPTION = "BUN_JSC_thresholdForFTLOptimizeAfterWarmUp";

/** The process's environment and command line, from /proc. */
function processOf(pid: number): { env: Map<string, string>; args: string[] } {
  const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return {
    env: new Map(env.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)])),
    args: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean),
  };
}

test("a master runs with the policy's option, under the pid and arguments it was started with", async () => {
  const args = ["master", "--registry=in_memory", "--ip=127.0.0.1", "--port=0"];
  const master = startDaemon(args);
  const url = (await master.waitFor(/listening on (http:\/\/[\d.]+:\d+)/))[1]!;
  expect((await fetch(`${url}/health`)).status).toBe(200);
  const { env, args: running } = processOf(master.proc.pid);
  expect(env.get(OPTION)).toBe(JIT_ENV[OPTION]);
  expect(running).toEqual([MESOS_BINARY, ...args]);
});

test("an environment that sets the option keeps its value", async () => {
  const master = startDaemon(["master", "--registry=in_memory", "--ip=127.0.0.1", "--port=0"], { [OPTION]: "64000" });
  await master.waitFor(/listening on/);
  expect(processOf(master.proc.pid).env.get(OPTION)).toBe("64000");
});
