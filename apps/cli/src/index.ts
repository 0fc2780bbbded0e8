/**
 * The `mesos` CLI verbs that talk to a running cluster. They reach it only through @mesos/client.
 * Errors print `Error: <message>` and exit 1.
 */
import { errorMessage } from "@mesos/core";
import { runExecute } from "./execute.ts";
import { listAgents, listFrameworks, listTasks } from "./lists.ts";

function masterOf(argv: string[]): string {
  const arg = argv.find((a) => a.startsWith("--master="));
  return arg ? arg.slice("--master=".length) : (process.env.MESOS_MASTER ?? "127.0.0.1:5050");
}

export async function runCli(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === "execute") return await runExecute(argv.slice(1));
    const key = `${group} ${command}`;
    const master = masterOf(rest);
    switch (key) {
      case "agent list":
        console.log(await listAgents(master));
        return 0;
      case "framework list":
        console.log(await listFrameworks(master));
        return 0;
      case "task list":
        console.log(await listTasks(master, rest.includes("--all") || rest.includes("-a")));
        return 0;
      default:
        console.error(`Error: unknown command 'mesos ${argv.join(" ")}'. Try 'mesos ${group} list'.`);
        return 1;
    }
  } catch (e) {
    console.error(`Error: ${errorMessage(e)}.`);
    return 1;
  }
}
