/** The cluster at a glance: the master, agents and tasks by state, resources total/allocated/offered/idle. */
import { getJson, operatorCall } from "../api.ts";
import { Card, formatQuantity, type Quantities, RESOURCE_NAMES, StateBadge, sum, timeAgo, useFetched, used, useStore } from "../components.tsx";
import { isTerminal, type Store } from "../store.ts";

export function Overview({ store }: { store: Store }) {
  useStore(store);
  // Offers are not events: what is offered is read again after events.
  const fresh = useFetched(store, () => operatorCall({ type: "GET_AGENTS" }));
  const files = useFetched(store, () => getJson("/files/debug"));
  const info = store.master.master_info ?? {};
  const agents = [...store.agents.values()];
  const tasks = [...store.tasks.values()];
  const byState = new Map<string, number>();
  for (const t of tasks) byState.set(t.state, (byState.get(t.state) ?? 0) + 1);
  const total: Quantities = {};
  const offered: Quantities = {};
  for (const a of agents) sum(a.total_resources, total);
  for (const a of fresh.data?.get_agents?.agents ?? agents) sum(a.offered_resources, offered);
  const allocated = used(tasks);
  const active = agents.filter((a) => a.active).length;
  return (
    <div class="grid">
      <Card title="Master">
        <dl>
          <dt>Leader</dt>
          <dd>
            {info.hostname || info.address?.ip}:{info.port}
          </dd>
          <dt>Version</dt>
          <dd>{store.version.version}</dd>
          <dt>Built</dt>
          <dd>{store.version.build_time ? new Date(store.version.build_time * 1000).toISOString() : ""}</dd>
          <dt>Started</dt>
          <dd>{timeAgo(store.master.start_time)}</dd>
          <dt>Elected</dt>
          <dd>{timeAgo(store.master.elected_time)}</dd>
          <dt>Log</dt>
          <dd>{files.data?.["/master/log"] ? <a href="#/log">mesos-master.INFO</a> : <span class="muted">none (--log_dir)</span>}</dd>
        </dl>
      </Card>
      <Card title="Agents">
        <dl>
          <dt>Active</dt>
          <dd data-testid="agents-active">{active}</dd>
          <dt>Inactive</dt>
          <dd>{agents.length - active}</dd>
        </dl>
      </Card>
      <Card title="Tasks">
        <dl data-testid="task-counts">
          {[...byState.entries()]
            .sort(([a], [b]) => Number(isTerminal(a)) - Number(isTerminal(b)) || a.localeCompare(b))
            .map(([state, n]) => (
              <>
                <dt>
                  <StateBadge state={state} />
                </dt>
                <dd data-state={state}>{n}</dd>
              </>
            ))}
        </dl>
      </Card>
      <Card title="Resources">
        <table>
          <thead>
            <tr>
              <th />
              {RESOURCE_NAMES.map((n) => (
                <th>{n}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(
              [
                ["Total", total],
                ["Allocated", allocated],
                ["Offered", offered],
                ["Idle", Object.fromEntries(RESOURCE_NAMES.map((n) => [n, (total[n] ?? 0) - (allocated[n] ?? 0) - (offered[n] ?? 0)]))],
              ] as [string, Quantities][]
            ).map(([label, q]) => (
              <tr>
                <th>{label}</th>
                {RESOURCE_NAMES.map((n) => (
                  <td>{formatQuantity(n, q[n])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Frameworks">
        <dl>
          <dt>Active</dt>
          <dd>{[...store.frameworks.values()].filter((f) => f.active).length}</dd>
          <dt>Inactive</dt>
          <dd>{[...store.frameworks.values()].filter((f) => !f.active).length}</dd>
          <dt>Completed</dt>
          <dd>{store.completedFrameworks.length}</dd>
        </dl>
      </Card>
      <Card title="Live stream">
        <dl>
          <dt>Events</dt>
          <dd>{store.events}</dd>
          <dt>Bytes</dt>
          <dd>{store.bytes}</dd>
        </dl>
      </Card>
    </div>
  );
}
