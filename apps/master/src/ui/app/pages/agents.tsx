/**
 * Agents: what each has and what its tasks were given; one agent's reservations per role, resource
 * providers, measured usage (/monitor/statistics) and its frameworks and executors (its /state),
 * read from the agent itself by JSONP as the Mesos UI does.
 */
import { agentUrl, type Json, jsonp, operatorCall } from "../api.ts";
import {
  Card,
  Failed,
  formatQuantity,
  Id,
  type Quantities,
  RESOURCE_NAMES,
  seconds,
  sum,
  timeAgo,
  useFetched,
  used,
  useStore,
} from "../components.tsx";
import type { Store } from "../store.ts";

function tasksOn(store: Store, id: string): Json[] {
  return [...store.tasks.values()].filter((t) => t.agent_id?.value === id);
}

export function Agents({ store }: { store: Store }) {
  useStore(store);
  return (
    <Card title="Agents">
      <table class="list" data-testid="agents">
        <thead>
          <tr>
            <th>ID</th>
            <th>Host</th>
            {RESOURCE_NAMES.map((n) => (
              <th>{n} (allocated / total)</th>
            ))}
            <th>Active</th>
            <th>Registered</th>
          </tr>
        </thead>
        <tbody>
          {[...store.agents.values()].map((a) => {
            const id = a.agent_info.id.value;
            const total = sum(a.total_resources);
            const allocated = used(tasksOn(store, id));
            return (
              <tr data-agent={id}>
                <td>
                  <a href={`#/agents/${id}`}>
                    <Id value={id} />
                  </a>
                </td>
                <td>{a.agent_info.hostname}</td>
                {RESOURCE_NAMES.map((n) => (
                  <td>
                    {formatQuantity(n, allocated[n])} / {formatQuantity(n, total[n])}
                  </td>
                ))}
                <td>{a.active ? "yes" : "no"}</td>
                <td>{timeAgo(seconds(a.registered_time))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}

/** Reserved resources of an agent by the role they are reserved to (the last reservation's). */
function reservations(resources: Json[]): Map<string, Quantities> {
  const out = new Map<string, Quantities>();
  for (const r of resources ?? []) {
    const role = r.reservations?.[r.reservations.length - 1]?.role ?? r.role;
    if (!role || role === "*") continue;
    out.set(role, sum([r], out.get(role) ?? {}));
  }
  return out;
}

export function AgentDetail({ store, id }: { store: Store; id: string }) {
  useStore(store);
  const a = store.agents.get(id);
  const base = a ? agentUrl(a.pid) : "";
  const state = useFetched(store, () => (base ? jsonp(`${base}/state`) : Promise.resolve(undefined)));
  const stats = useFetched(store, () => (base ? jsonp(`${base}/monitor/statistics`) : Promise.resolve([])));
  const providers = useFetched(store, () => operatorCall({ type: "GET_AGENTS" }));
  if (!a) return <p class="error">No agent {id}</p>;
  const total = sum(a.total_resources);
  const allocated = used(tasksOn(store, id));
  const rps = providers.data?.get_agents?.agents?.find((x: Json) => x.agent_info.id.value === id)?.resource_providers ?? [];
  return (
    <>
      <Card title={`Agent ${a.agent_info.hostname}`}>
        <dl>
          <dt>ID</dt>
          <dd>
            <Id value={id} />
          </dd>
          <dt>Endpoint</dt>
          <dd>{base}</dd>
          <dt>Version</dt>
          <dd>{a.version}</dd>
          <dt>Registered</dt>
          <dd>{timeAgo(seconds(a.registered_time))}</dd>
        </dl>
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
            <tr>
              <th>Total</th>
              {RESOURCE_NAMES.map((n) => (
                <td>{formatQuantity(n, total[n])}</td>
              ))}
            </tr>
            <tr>
              <th>Allocated</th>
              {RESOURCE_NAMES.map((n) => (
                <td>{formatQuantity(n, allocated[n])}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </Card>
      <Card title="Reservations by role">
        <table class="list">
          <tbody>
            {[...reservations(a.total_resources)].map(([role, q]) => (
              <tr>
                <th>{role}</th>
                {RESOURCE_NAMES.map((n) => (
                  <td>
                    {n} {formatQuantity(n, q[n])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Resource providers">
        {rps.length === 0 ? <p class="muted">None</p> : null}
        {rps.map((rp: Json) => (
          <p>
            <code>{rp.resource_provider_info?.type}</code> {rp.resource_provider_info?.name} <Id value={rp.resource_provider_info?.id?.value ?? ""} />
          </p>
        ))}
      </Card>
      <Card title="Executors (from the agent)">
        <Failed error={state.error ?? stats.error} />
        <table class="list" data-testid="executors">
          <thead>
            <tr>
              <th>Framework</th>
              <th>Executor</th>
              <th>Tasks</th>
              <th>CPU time (user + system)</th>
              <th>Memory (RSS)</th>
              <th>Sandbox</th>
            </tr>
          </thead>
          <tbody>
            {(state.data?.frameworks ?? []).flatMap((f: Json) =>
              f.executors.map((e: Json) => {
                const usage = (stats.data ?? []).find((s: Json) => s.executor_id === e.id && s.framework_id === f.id)?.statistics;
                return (
                  <tr>
                    <td>{f.name}</td>
                    <td>
                      <Id value={e.id} />
                    </td>
                    <td>{e.tasks.map((t: Json) => t.id).join(", ")}</td>
                    <td>{usage ? `${((usage.cpus_user_time_secs ?? 0) + (usage.cpus_system_time_secs ?? 0)).toFixed(2)} s` : ""}</td>
                    <td>{usage?.mem_rss_bytes !== undefined ? formatQuantity("mem", usage.mem_rss_bytes / 1048576) : ""}</td>
                    <td>
                      <a href={`#/sandbox/${id}/${f.id}/${encodeURIComponent(e.id)}`}>Sandbox</a>
                    </td>
                  </tr>
                );
              }),
            )}
          </tbody>
        </table>
      </Card>
    </>
  );
}
