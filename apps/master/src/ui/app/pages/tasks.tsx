/** Every task the master knows: filter by text or state, sort by any column, a link to its sandbox. */
import { useState } from "preact/hooks";
import type { Json } from "../api.ts";
import { formatQuantity, Id, StateBadge, sum, timeAgo, useStore } from "../components.tsx";
import { isTerminal, type Store } from "../store.ts";

type Column = { key: string; label: string; value: (t: Json) => string | number };

const lastStatus = (t: Json) => t.statuses?.[t.statuses.length - 1];

const COLUMNS: Column[] = [
  { key: "id", label: "ID", value: (t) => t.task_id.value },
  { key: "name", label: "Name", value: (t) => t.name },
  { key: "state", label: "State", value: (t) => t.state },
  { key: "health", label: "Health", value: (t) => health(t) },
  { key: "framework", label: "Framework", value: (t) => t.framework_id.value },
  { key: "agent", label: "Agent", value: (t) => t.agent_id?.value ?? "" },
  { key: "cpus", label: "CPUs", value: (t) => sum(t.resources).cpus ?? 0 },
  { key: "mem", label: "Mem", value: (t) => sum(t.resources).mem ?? 0 },
  { key: "updated", label: "Updated", value: (t) => lastStatus(t)?.timestamp ?? 0 },
];

function health(t: Json): string {
  const s = lastStatus(t);
  return s?.healthy === undefined ? "" : s.healthy ? "healthy" : "unhealthy";
}

export function sandboxHref(t: Json): string {
  const executor = t.executor_id?.value ?? t.task_id.value;
  return `#/sandbox/${t.agent_id?.value}/${t.framework_id.value}/${encodeURIComponent(executor)}`;
}

export function TaskTable({ tasks, store }: { tasks: Json[]; store: Store }) {
  const [filter, setFilter] = useState("");
  const [state, setState] = useState("all");
  const [sort, setSort] = useState<{ key: string; asc: boolean }>({ key: "updated", asc: false });
  const column = COLUMNS.find((c) => c.key === sort.key)!;
  const needle = filter.toLowerCase();
  const shown = tasks
    .filter((t) => state === "all" || (state === "active" ? !isTerminal(t.state) : state === "completed" ? isTerminal(t.state) : t.state === state))
    .filter((t) => !needle || COLUMNS.some((c) => String(c.value(t)).toLowerCase().includes(needle)))
    .sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (sort.asc ? 1 : -1);
    });
  const states = [...new Set(tasks.map((t) => t.state))].sort();
  return (
    <>
      <div class="toolbar">
        <input type="search" placeholder="Filter tasks" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
        <select value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)}>
          <option value="all">All states</option>
          <option value="active">Active</option>
          <option value="completed">Completed</option>
          {states.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <span class="muted">
          {shown.length} of {tasks.length}
        </span>
      </div>
      <table class="list" data-testid="tasks">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th class="sortable" onClick={() => setSort({ key: c.key, asc: sort.key === c.key ? !sort.asc : true })}>
                {c.label}
                {sort.key === c.key ? (sort.asc ? " ▲" : " ▼") : ""}
              </th>
            ))}
            <th>Sandbox</th>
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, 500).map((t) => (
            <tr data-task={t.task_id.value}>
              <td>
                <Id value={t.task_id.value} />
              </td>
              <td>{t.name}</td>
              <td>
                <StateBadge state={t.state} />
              </td>
              <td>{health(t)}</td>
              <td>
                <a href={`#/frameworks/${t.framework_id.value}`}>
                  {store.framework(t.framework_id.value)?.framework_info.name ?? t.framework_id.value}
                </a>
              </td>
              <td>
                {t.agent_id ? (
                  <a href={`#/agents/${t.agent_id.value}`}>{store.agents.get(t.agent_id.value)?.agent_info.hostname ?? t.agent_id.value}</a>
                ) : (
                  ""
                )}
              </td>
              <td>{formatQuantity("cpus", sum(t.resources).cpus)}</td>
              <td>{formatQuantity("mem", sum(t.resources).mem)}</td>
              <td>{timeAgo(lastStatus(t)?.timestamp)}</td>
              <td>{t.agent_id ? <a href={sandboxHref(t)}>Sandbox</a> : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length > 500 ? <p class="muted">Showing the first 500; filter to narrow.</p> : null}
    </>
  );
}

export function Tasks({ store }: { store: Store }) {
  useStore(store);
  return <TaskTable tasks={[...store.tasks.values()]} store={store} />;
}
