/**
 * `mesos task exec TASK [-i] [-t] -- CMD [ARGS...]`: runs a command in a new container nested in
 * a running task's (LAUNCH_NESTED_CONTAINER_SESSION: it shares the task's namespaces, sandbox and
 * environment). `-i` streams stdin (its end reaches the command as EOF), `-t` gives the command a
 * terminal (this one goes raw with `-i`); without `-t` stdout and stderr stay apart. The exit code
 * is the command's, or 128 + the signal that killed it; 130 after Ctrl-C without a raw terminal
 * (the agent then destroys the command's container).
 */
import { randomUUID } from "node:crypto";
import { createAgentClient, type OperatorClient } from "@mesos/client";
import { flag, invalid } from "@mesos/core";
import { ContainerInfo_Type } from "@mesos/proto";
import { defineCommand } from "./command.ts";
import { findTask, locateTask } from "./find-task.ts";
import { runSession } from "./task-session.ts";
import { localTerminal } from "./terminal.ts";
import { exitCodeOfWaitStatus } from "./wait-status.ts";

export function taskExecCommand(operator: (masterFlag?: string) => OperatorClient) {
  return defineCommand({
    name: "exec",
    args: "TASK [-i] [-t] [--] CMD [ARGS...]",
    summary: "Run a command in a new container nested in a running task's",
    details: "TASK is a task id or a prefix of exactly one. The exit code is the command's, or 128 + the signal that killed it.",
    flags: {
      interactive: flag.bool("Send this process's stdin to the command (its end is the command's EOF)", { default: false }),
      tty: flag.bool("Give the command a terminal (needs one here; raw mode with -i)", { default: false }),
    },
    short: { i: "interactive", t: "tty" },
    stopAfterPositionals: 1,
    async run({ flags, args, rest }) {
      const [taskRef, ...extra] = args;
      const command = [...extra, ...rest];
      if (!taskRef) throw invalid("Expected a TASK (see 'mesos task exec --help')");
      if (command.length === 0) throw invalid("Expected a command to run after TASK (see 'mesos task exec --help')");
      const terminal = localTerminal();
      if (flags.tty && !terminal.isTty) throw invalid("Must be running in a terminal to use '--tty'");
      const ops = operator(flags.master);
      const location = await locateTask(ops, await findTask(ops, taskRef, { running: true }));
      const agent = createAgentClient(location.agentAddress);
      const containerId = { parent: location.containerId, value: randomUUID() };
      const end = await runSession({
        agent,
        containerId,
        openOutput: async (signal) => {
          const stream = await agent.launchNestedContainerSession(
            {
              containerId,
              command: { value: command[0], arguments: command, shell: false },
              container: flags.tty ? { type: ContainerInfo_Type.MESOS, ttyInfo: { windowSize: terminal.size() } } : undefined,
            },
            signal,
          );
          if (!stream) throw invalid(`Container ${containerId.value} already exists`);
          return stream;
        },
        terminal,
        stdin: flags.interactive,
        tty: flags.tty,
        detachKeys: false,
      });
      // Ctrl-C (no raw terminal): the CLI ends, and the agent destroys the session it dropped.
      if (end === "interrupted") return 130;
      return exitCodeOfWaitStatus(await agent.waitContainer(containerId));
    },
  });
}
