/**
 * `mesos agent list`, `mesos framework list`, `mesos task list [--all]`: tables from the operator
 * API, or with `--json` the operator API's own records (Mesos's v1 JSON), one array.
 */
import type { OperatorClient } from "@mesos/client";
import { flag, Resources, summarizeResources, toMesosJson } from "@mesos/core";
import { master, TaskSchema, TaskState } from "@mesos/proto";
import { defineCommand } from "./command.ts";

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

const json = flag.bool("Print the operator API's records as JSON instead of a table", { default: false });

export function agentListCommand(operator: (masterFlag?: string) => OperatorClient) {
  return defineCommand({
    name: "list",
    args: "",
    summary: "List the agents",
    flags: { json },
    async run({ flags }) {
      const { agents } = await operator(flags.master).getAgents();
      if (flags.json) return print(agents.map((a) => toMesosJson(master.Response_GetAgents_AgentSchema, a)));
      const rows = agents.map((a) => {
        const total = summarizeResources(a.totalResources);
        return [a.agentInfo!.id!.value, a.agentInfo!.hostname, String(a.active), String(total.cpus), String(total.mem), String(total.disk)];
      });
      return print(table(["AGENT ID", "HOSTNAME", "ACTIVE", "CPUS", "MEM", "DISK"], rows));
    },
  });
}

export function frameworkListCommand(operator: (masterFlag?: string) => OperatorClient) {
  return defineCommand({
    name: "list",
    args: "",
    summary: "List the frameworks",
    flags: { json },
    async run({ flags }) {
      const { frameworks } = await operator(flags.master).getFrameworks();
      if (flags.json) return print(frameworks.map((f) => toMesosJson(master.Response_GetFrameworks_FrameworkSchema, f)));
      const rows = frameworks.map((f) => {
        const info = f.frameworkInfo!;
        const roles = info.roles.length > 0 ? info.roles.join(",") : info.role || "*";
        return [info.id!.value, info.name, String(f.active), roles, String(Resources.of(f.allocatedResources).scalar("cpus"))];
      });
      return print(table(["FRAMEWORK ID", "NAME", "ACTIVE", "ROLES", "CPUS"], rows));
    },
  });
}

export function taskListCommand(operator: (masterFlag?: string) => OperatorClient) {
  return defineCommand({
    name: "list",
    args: "[--all]",
    summary: "List the running tasks (with --all, every task the master knows)",
    flags: { all: flag.bool("List every task, not only running ones", { default: false }), json },
    short: { a: "all" },
    async run({ flags }) {
      const tasks = await operator(flags.master).getTasks();
      const list = flags.all
        ? [...tasks.tasks, ...tasks.unreachableTasks, ...tasks.completedTasks]
        : tasks.tasks.filter((t) => t.state === TaskState.TASK_RUNNING);
      if (flags.json) return print(list.map((t) => toMesosJson(TaskSchema, t)));
      const rows = list.map((t) => [t.taskId!.value, t.name, TaskState[t.state]!, t.frameworkId!.value, t.agentId!.value]);
      return print(table(["ID", "NAME", "STATE", "FRAMEWORK", "AGENT"], rows));
    },
  });
}

function print(value: unknown): number {
  console.log(typeof value === "string" ? value : JSON.stringify(value, null, 2));
  return 0;
}
