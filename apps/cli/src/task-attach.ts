/**
 * `mesos task attach TASK [--no-stdin]`: this terminal becomes the terminal of a running task
 * launched with a TTY (`ContainerInfo.tty_info`). Ctrl-P Ctrl-Q detaches and leaves the task
 * running (exit 0); with `--no-stdin` only the output is shown and Ctrl-C ends the CLI alone.
 * When the task ends while attached, the exit code is the task's.
 */
import { createAgentClient, type OperatorClient, statusOf } from "@mesos/client";
import { flag, internal, invalid, isMesosError } from "@mesos/core";
import { defineCommand } from "./command.ts";
import { EXIT } from "./exit-codes.ts";
import { findTask, locateTask } from "./find-task.ts";
import { runSession } from "./task-session.ts";
import { localTerminal } from "./terminal.ts";
import { exitCodeOfWaitStatus } from "./wait-status.ts";

/** The agent's answer for a container without an I/O switchboard (Mesos's text). */
const NO_SWITCHBOARD = "I/O switchboard server was disabled for this container";

export function taskAttachCommand(operator: (masterFlag?: string) => OperatorClient) {
  return defineCommand({
    name: "attach",
    args: "TASK [--no-stdin]",
    summary: "Attach this terminal to a running task launched with a TTY (detach with Ctrl-P Ctrl-Q)",
    details:
      "TASK is a task id or a prefix of exactly one. The exit code is the task's if it ends while attached,\n" +
      "0 after detaching, 130 after Ctrl-C with --no-stdin (the task keeps running).",
    flags: { "no-stdin": flag.bool("Only show the task's output; do not send this terminal's input", { default: false }) },
    async run({ flags, args }) {
      if (args.length !== 1) throw invalid("Expected exactly one TASK (see 'mesos task attach --help')");
      const terminal = localTerminal();
      const withStdin = !flags["no-stdin"];
      if (withStdin && !terminal.isTty) throw invalid("'mesos task attach' needs a terminal on stdin (or --no-stdin)");
      const ops = operator(flags.master);
      const location = await locateTask(ops, await findTask(ops, args[0]!, { running: true }));
      const agent = createAgentClient(location.agentAddress);
      // Waiting from the start: the agent may forget the container soon after it ends.
      const stopWaiting = new AbortController();
      const waited = agent.waitContainer(location.containerId, stopWaiting.signal).catch(() => undefined);
      try {
        const end = await runSession({
          agent,
          containerId: location.containerId,
          openOutput: async (signal) => {
            try {
              return await agent.attachContainerOutput(location.containerId, signal);
            } catch (e) {
              if (statusOf(e) === 500 && isMesosError(e) && e.message === NO_SWITCHBOARD) {
                throw internal("Unable to attach to a task launched without a TTY");
              }
              throw e;
            }
          },
          terminal,
          stdin: withStdin,
          tty: true,
          detachKeys: withStdin,
        });
        if (end === "detached") return EXIT.ok;
        if (end === "interrupted") return 130;
        // Like Mesos's CLI: 0 when the agent cannot say how the container ended.
        return exitCodeOfWaitStatus(await waited);
      } finally {
        stopWaiting.abort();
      }
    },
  });
}
