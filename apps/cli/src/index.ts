/**
 * The `mesos` CLI verbs that talk to a running cluster: `task list|attach|exec|log|kill`,
 * `agent list`, `framework list`, `maintenance schedule|status|down|up` and `execute`. They reach
 * the cluster only through @mesos/client: the master's v1 operator API (following a non-leading master's redirect) and the
 * agents' v1 API and file API. Errors print one line, `Error: <message>.`, and exit with a code
 * by kind (see exit-codes.ts).
 */
import { createHttpOperatorClient } from "@mesos/client";
import { type AnyCommand, commandHelp, groupHelp, parseCommandArgs, splitArgs } from "./command.ts";
import { runExecute } from "./execute.ts";
import { errorLine, EXIT, exitCodeOf } from "./exit-codes.ts";
import { agentListCommand, frameworkListCommand, taskListCommand } from "./lists.ts";
import { maintenanceDownCommand, maintenanceScheduleCommand, maintenanceStatusCommand, maintenanceUpCommand } from "./maintenance.ts";
import { resolveMasterAddress } from "./master-address.ts";
import { taskAttachCommand } from "./task-attach.ts";
import { taskExecCommand } from "./task-exec.ts";
import { taskKillCommand } from "./task-kill.ts";
import { taskLogCommand } from "./task-log.ts";

const operator = (masterFlag?: string) => createHttpOperatorClient(resolveMasterAddress({ flag: masterFlag }));

const groups: Record<string, { summary: string; commands: AnyCommand[] }> = {
  task: {
    summary: "Inspect and interact with the tasks of the cluster.",
    commands: [
      taskListCommand(operator),
      taskAttachCommand(operator),
      taskExecCommand(operator),
      taskLogCommand(operator),
      taskKillCommand(operator),
    ],
  },
  agent: { summary: "Inspect the agents of the cluster.", commands: [agentListCommand(operator)] },
  framework: { summary: "Inspect the frameworks of the cluster.", commands: [frameworkListCommand(operator)] },
  maintenance: {
    summary: "Schedule maintenance, follow it, and take machines down and up.",
    commands: [
      maintenanceScheduleCommand(operator),
      maintenanceStatusCommand(operator),
      maintenanceDownCommand(operator),
      maintenanceUpCommand(operator),
    ],
  },
};

/** `argv` starts with the group (`task`, `agent`, `framework`) or `execute`. */
export async function runCli(argv: string[]): Promise<number> {
  const [groupName, commandName, ...rest] = argv;
  try {
    if (groupName === "execute") return await runExecute(argv.slice(1));
    const group = groups[groupName ?? ""];
    if (!group) throw new Error(`unknown command group '${groupName}'`);
    if (commandName === undefined || commandName === "--help" || commandName === "-h" || commandName === "help") {
      console.log(groupHelp(groupName!, group.summary, group.commands));
      return commandName === undefined ? EXIT.usage : EXIT.ok;
    }
    const command = group.commands.find((c) => c.name === commandName);
    if (!command) {
      console.error(`Error: unknown command 'mesos ${groupName} ${commandName}'.\n\n${groupHelp(groupName!, group.summary, group.commands)}`);
      return EXIT.usage;
    }
    const { own } = splitArgs(command, rest);
    if (own.includes("--help") || own.includes("-h")) {
      console.log(commandHelp(groupName!, command));
      return EXIT.ok;
    }
    return await command.run(parseCommandArgs(command, rest));
  } catch (e) {
    console.error(errorLine(e));
    return exitCodeOf(e);
  }
}
