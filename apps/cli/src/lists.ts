/** `mesos agent list`, `mesos framework list`, `mesos task list [--all]`: tables from the operator API. */
import { createOperatorClient } from "@mesos/client";
import { isTerminalState, Resources, summarizeResources } from "@mesos/core";
import { TaskState } from "@mesos/proto";

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export async function listAgents(master: string): Promise<string> {
  const { agents } = await createOperatorClient(master).getAgents();
  return table(
    ["AGENT ID", "HOSTNAME", "ACTIVE", "CPUS", "MEM", "DISK"],
    agents.map((a) => {
      const total = summarizeResources(a.totalResources);
      return [a.agentInfo!.id!.value, a.agentInfo!.hostname, String(a.active), String(total.cpus), String(total.mem), String(total.disk)];
    }),
  );
}

export async function listFrameworks(master: string): Promise<string> {
  const { frameworks } = await createOperatorClient(master).getFrameworks();
  return table(
    ["FRAMEWORK ID", "NAME", "ACTIVE", "ROLES", "CPUS"],
    frameworks.map((f) => {
      const info = f.frameworkInfo!;
      const roles = info.roles.length > 0 ? info.roles.join(",") : info.role || "*";
      return [info.id!.value, info.name, String(f.active), roles, String(Resources.of(f.allocatedResources).scalar("cpus"))];
    }),
  );
}

export async function listTasks(master: string, all: boolean): Promise<string> {
  const tasks = await createOperatorClient(master).getTasks();
  const list = [...tasks.tasks, ...(all ? [...tasks.unreachableTasks, ...tasks.completedTasks] : [])].filter(
    (t) => all || (!isTerminalState(t.state) && t.state === TaskState.TASK_RUNNING),
  );
  return table(
    ["ID", "NAME", "STATE", "FRAMEWORK", "AGENT"],
    list.map((t) => [t.taskId!.value, t.name, TaskState[t.state]!, t.frameworkId!.value, t.agentId!.value]),
  );
}
