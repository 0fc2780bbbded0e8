import { expect, test } from "bun:test";
import { parseFlags } from "@mesos/core";
import { agentFlagSpecs, validateAgentFlags } from "./flags.ts";

const parse = (...extra: string[]) => parseFlags(agentFlagSpecs, ["--master=127.0.0.1:5050", "--work_dir=/tmp/w", ...extra], {}).values;

test("--executor_reregistration_timeout: 2secs by default, at most 15secs (Mesos's MAX_EXECUTOR_REREGISTRATION_TIMEOUT)", () => {
  expect(parse().executor_reregistration_timeout).toBe(2000);
  expect(validateAgentFlags(parse("--executor_reregistration_timeout=15secs"))).toBeUndefined();
  expect(validateAgentFlags(parse("--executor_reregistration_timeout=16secs"))).toBe(
    "Expected `--executor_reregistration_timeout` to be not more than 15secs",
  );
});

test("--recovery_timeout: 15mins by default (Mesos's RECOVERY_TIMEOUT)", () => {
  expect(parse().recovery_timeout).toBe(15 * 60_000);
  expect(parse("--recovery_timeout=90secs").recovery_timeout).toBe(90_000);
});

test("--executor_reregistration_retry_interval is accepted (for PID-based executors in Mesos; none here)", () => {
  expect(parse("--executor_reregistration_retry_interval=1secs").executor_reregistration_retry_interval).toBe(1000);
  expect(parse().executor_reregistration_retry_interval).toBeUndefined();
});
