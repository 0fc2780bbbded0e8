/**
 * When a role gets a guarantee, resources sitting in other frameworks' offers are rescinded so the
 * next cycle can give them to it, as Mesos does: whole agents at a time, until at least the
 * guaranteed amount is freed and at least as many agents as the role has frameworks.
 */
import { Resources } from "@mesos/core";
import type { MasterContext } from "../context.ts";
import type { RoleQuota } from "./quota-config.ts";

export function rescindForQuota(ctx: MasterContext, q: RoleQuota): void {
  const frameworksInRole = [...ctx.frameworks.values()].filter((f) => f.roles.includes(q.role)).length;
  let freed = Resources.EMPTY;
  let agents = 0;
  const enough = () => {
    const have = freed.quantities();
    return agents >= frameworksInRole && [...q.guarantees].every(([n, v]) => (have.get(n) ?? 0) >= v);
  };
  for (const agent of ctx.agents.values()) {
    if (enough()) break;
    const ids = ctx.offers
      .onAgent(agent.id)
      .filter((o) => o.role !== q.role)
      .map((o) => o.offer.id!.value);
    if (ids.length === 0) continue;
    for (const id of ids) {
      const record = ctx.offers.remove(id, { rescind: true, recover: true });
      if (record) freed = freed.plus(record.resources.unallocate());
    }
    agents++;
  }
}
