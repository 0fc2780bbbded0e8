/**
 * `mesos task kill TASK [--signal=TERM] [--grace_period=10secs]`: signals a running task's
 * container through its agent (KILL_CONTAINER, which Apache Mesos agents serve too), waits for it
 * to end, and sends SIGKILL if it outlives the grace period. The framework hears how the task
 * ended (a command task killed this way is TASK_FAILED by that signal: Mesos 1.8 has no operator
 * call that kills a task on its framework's behalf).
 */
import { constants } from "node:os";
import { createAgentClient, type OperatorClient } from "@mesos/client";
import { flag, invalid } from "@mesos/core";
import { defineCommand } from "./command.ts";
import { findTask, locateTask } from "./find-task.ts";
import { exitCodeOfWaitStatus } from "./wait-status.ts";

const SIGNALS = constants.signals as Record<string, number>;

function parseSignal(raw: string): number {
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (n >= 1 && n <= 64) return n;
  }
  const name = raw.toUpperCase().startsWith("SIG") ? raw.toUpperCase() : `SIG${raw.toUpperCase()}`;
  const n = SIGNALS[name];
  if (n === undefined) throw new Error(`unknown signal '${raw}'`);
  return n;
}

export function taskKillCommand(operator: (masterFlag?: string) => OperatorClient) {
  return defineCommand({
    name: "kill",
    args: "TASK [--signal=TERM]",
    summary: "Stop a running task: signal its container, then SIGKILL after the grace period",
    details: "TASK is a task id or a prefix of exactly one.",
    flags: {
      signal: flag.custom(parseSignal)("The signal to send first, by name or number", { default: SIGNALS.SIGTERM! }),
      grace_period: flag.duration("How long to wait before SIGKILL", { default: 10_000 }),
    },
    async run({ flags, args }) {
      if (args.length !== 1) throw invalid("Expected exactly one TASK (see 'mesos task kill --help')");
      const ops = operator(flags.master);
      const location = await locateTask(ops, await findTask(ops, args[0]!, { running: true }));
      const agent = createAgentClient(location.agentAddress);
      const ended = agent.waitContainer(location.containerId);
      await agent.killContainer(location.containerId, flags.signal);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceOver = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), flags.grace_period)));
      let status = await Promise.race([ended, graceOver]);
      if (status === "late") {
        await agent.killContainer(location.containerId, SIGNALS.SIGKILL);
        status = await ended;
      }
      clearTimeout(timer);
      console.log(`Task '${location.task.taskId!.value}' ended (exit code ${exitCodeOfWaitStatus(status)})`);
      return 0;
    },
  });
}
