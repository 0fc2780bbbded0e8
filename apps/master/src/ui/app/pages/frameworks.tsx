/** Frameworks: active, inactive and completed, with what their tasks use; one framework's tasks. */
import type { Json } from "../api.ts";
import { Card, formatQuantity, Id, type Quantities, RESOURCE_NAMES, seconds, timeAgo, used, useStore } from "../components.tsx";
import { isTerminal, type Store } from "../store.ts";
import { TaskTable } from "./tasks.tsx";

function tasksOf(store: Store, id: string): Json[] {
  return [...store.tasks.values()].filter((t) => t.framework_id.value === id);
}

function FrameworkRows({ list, store }: { list: Json[]; store: Store }) {
  return (
    <table class="list">
      <thead>
        <tr>
          <th>ID</th>
          <th>Name</th>
          <th>Roles</th>
          <th>Principal</th>
          <th>Active tasks</th>
          {RESOURCE_NAMES.map((n) => (
            <th>{n}</th>
          ))}
          <th>Registered</th>
        </tr>
      </thead>
      <tbody>
        {list.map((f) => {
          const info = f.framework_info;
          const tasks = tasksOf(store, info.id.value);
          const q: Quantities = used(tasks);
          return (
            <tr data-framework={info.id.value}>
              <td>
                <a href={`#/frameworks/${info.id.value}`}>
                  <Id value={info.id.value} />
                </a>
              </td>
              <td>{info.name}</td>
              <td>{(info.roles?.length ? info.roles : [info.role ?? "*"]).join(", ")}</td>
              <td>{info.principal ?? ""}</td>
              <td>{tasks.filter((t) => !isTerminal(t.state)).length}</td>
              {RESOURCE_NAMES.map((n) => (
                <td>{formatQuantity(n, q[n])}</td>
              ))}
              <td>{timeAgo(seconds(f.registered_time))}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function Frameworks({ store }: { store: Store }) {
  useStore(store);
  const all = [...store.frameworks.values()];
  return (
    <>
      <Card title="Active frameworks">
        <FrameworkRows list={all.filter((f) => f.active)} store={store} />
      </Card>
      <Card title="Inactive frameworks">
        <FrameworkRows list={all.filter((f) => !f.active)} store={store} />
      </Card>
      <Card title="Completed frameworks">
        <FrameworkRows list={store.completedFrameworks} store={store} />
      </Card>
    </>
  );
}

export function FrameworkDetail({ store, id }: { store: Store; id: string }) {
  useStore(store);
  const f = store.framework(id);
  if (!f) return <p class="error">No framework {id}</p>;
  const info = f.framework_info;
  return (
    <>
      <Card title={`Framework ${info.name}`}>
        <dl>
          <dt>ID</dt>
          <dd>
            <Id value={id} />
          </dd>
          <dt>User</dt>
          <dd>{info.user}</dd>
          <dt>Roles</dt>
          <dd>{(info.roles?.length ? info.roles : [info.role ?? "*"]).join(", ")}</dd>
          <dt>State</dt>
          <dd>{f.active ? "active" : f.connected ? "inactive" : "disconnected"}</dd>
          <dt>Checkpoint</dt>
          <dd>{String(info.checkpoint ?? false)}</dd>
          <dt>Failover timeout</dt>
          <dd>{info.failover_timeout ?? 0} s</dd>
        </dl>
      </Card>
      <Card title="Tasks">
        <TaskTable tasks={tasksOf(store, id)} store={store} />
      </Card>
    </>
  );
}
