/**
 * The views of what the event stream does not carry, read again after events: roles with weights
 * and quota, maintenance windows, outstanding offers and operations.
 */
import { getJson, type Json, operatorCall } from "../api.ts";
import { Card, Failed, formatQuantity, Id, RESOURCE_NAMES, seconds, sum, useFetched } from "../components.tsx";
import type { Store } from "../store.ts";

export function Roles({ store }: { store: Store }) {
  const roles = useFetched(store, () => operatorCall({ type: "GET_ROLES" }));
  const quota = useFetched(store, () => operatorCall({ type: "GET_QUOTA" }));
  const guarantees = new Map<string, Json>();
  for (const q of quota.data?.get_quota?.status?.infos ?? []) guarantees.set(q.role, sum(q.guarantee));
  return (
    <Card title="Roles">
      <Failed error={roles.error ?? quota.error} />
      <table class="list" data-testid="roles">
        <thead>
          <tr>
            <th>Role</th>
            <th>Weight</th>
            <th>Frameworks</th>
            {RESOURCE_NAMES.map((n) => (
              <th>{n} allocated</th>
            ))}
            <th>Quota guarantee</th>
          </tr>
        </thead>
        <tbody>
          {(roles.data?.get_roles?.roles ?? []).map((r: Json) => {
            const q = sum(r.resources);
            const g = guarantees.get(r.name);
            return (
              <tr data-role={r.name}>
                <td>{r.name}</td>
                <td>{r.weight ?? 1}</td>
                <td>{(r.frameworks ?? []).length}</td>
                {RESOURCE_NAMES.map((n) => (
                  <td>{formatQuantity(n, q[n])}</td>
                ))}
                <td>
                  {g
                    ? RESOURCE_NAMES.filter((n) => g[n])
                        .map((n) => `${n} ${formatQuantity(n, g[n])}`)
                        .join(", ")
                    : ""}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}

export function Maintenance({ store }: { store: Store }) {
  const schedule = useFetched(store, () => operatorCall({ type: "GET_MAINTENANCE_SCHEDULE" }));
  const status = useFetched(store, () => operatorCall({ type: "GET_MAINTENANCE_STATUS" }));
  const unavailable = schedule.error ?? status.error;
  const windows = schedule.data?.get_maintenance_schedule?.schedule?.windows ?? [];
  const st = status.data?.get_maintenance_status?.status ?? {};
  const machine = (m: Json) => `${m.hostname ?? ""}${m.ip ? ` (${m.ip})` : ""}`;
  return (
    <>
      <Card title="Maintenance windows">
        {unavailable ? <p class="muted">This master does not serve maintenance: {unavailable}</p> : null}
        {!unavailable && windows.length === 0 ? <p class="muted">No maintenance scheduled.</p> : null}
        {windows.map((w: Json) => (
          <div class="window">
            <p>
              From {new Date((seconds(w.unavailability?.start) ?? 0) * 1000).toISOString()}
              {w.unavailability?.duration ? ` for ${Math.round((seconds(w.unavailability.duration) ?? 0) / 60)} min` : ""}
            </p>
            <p>{(w.machine_ids ?? []).map(machine).join(", ")}</p>
          </div>
        ))}
      </Card>
      <Card title="Machines">
        <dl>
          <dt>Draining</dt>
          <dd>{(st.draining_machines ?? []).map((d: Json) => machine(d.id)).join(", ") || "none"}</dd>
          <dt>Down</dt>
          <dd>{(st.down_machines ?? []).map(machine).join(", ") || "none"}</dd>
        </dl>
      </Card>
    </>
  );
}

export function Offers({ store }: { store: Store }) {
  const frameworks = useFetched(store, () => getJson("/frameworks"));
  const offers = (frameworks.data?.frameworks ?? []).flatMap((f: Json) => (f.offers ?? []).map((o: Json) => ({ ...o, framework: f.name })));
  return (
    <Card title="Outstanding offers">
      <Failed error={frameworks.error} />
      <table class="list" data-testid="offers">
        <thead>
          <tr>
            <th>Offer</th>
            <th>Framework</th>
            <th>Agent</th>
            {RESOURCE_NAMES.map((n) => (
              <th>{n}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {offers.map((o: Json) => (
            <tr>
              <td>
                <Id value={o.id} />
              </td>
              <td>{o.framework}</td>
              <td>
                <a href={`#/agents/${o.slave_id}`}>{store.agents.get(o.slave_id)?.agent_info.hostname ?? o.slave_id}</a>
              </td>
              {RESOURCE_NAMES.map((n) => (
                <td>{formatQuantity(n, o.resources?.[n])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

export function Operations({ store }: { store: Store }) {
  const ops = useFetched(store, () => operatorCall({ type: "GET_OPERATIONS" }));
  return (
    <Card title="Operations">
      <Failed error={ops.error} />
      <table class="list" data-testid="operations">
        <thead>
          <tr>
            <th>ID</th>
            <th>Type</th>
            <th>State</th>
            <th>Framework</th>
            <th>Agent</th>
          </tr>
        </thead>
        <tbody>
          {(ops.data?.get_operations?.operations ?? []).map((o: Json) => (
            <tr>
              <td>
                <Id value={o.info?.id?.value ?? o.uuid?.value ?? ""} />
              </td>
              <td>{o.info?.type}</td>
              <td>{o.latest_status?.state}</td>
              <td>{o.framework_id?.value ?? "(operator)"}</td>
              <td>{o.agent_id?.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
