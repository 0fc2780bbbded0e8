/**
 * TEMPORARY test-only allocator (delete when apps/master/src/allocator lands): offers each agent's
 * free resources to the first active framework that has no filter for them. Only for exercising the
 * master's plumbing before the real allocator exists.
 */
import { Resources } from "@mesos/core";
import type { Allocation, Allocator, AllocatorAgent, AllocatorFramework, AllocatorOptions } from "@mesos/master";

export function createInterimAllocator(options: AllocatorOptions): Allocator {
  const frameworks = new Map<string, { f: AllocatorFramework; active: boolean }>();
  const agents = new Map<string, { a: AllocatorAgent; active: boolean; used: Map<string, Resources> }>();
  const filters: { fw: string; agent: string; res: Resources; until: number }[] = [];
  const free = (id: string) => {
    const a = agents.get(id)!;
    let used = Resources.EMPTY;
    for (const r of a.used.values()) used = used.plus(r.unallocate());
    return a.a.total.minus(used);
  };
  const use = (fw: string, agent: string, r: Resources, sign: 1 | -1) => {
    const a = agents.get(agent);
    if (!a) return;
    const cur = a.used.get(fw) ?? Resources.EMPTY;
    a.used.set(fw, sign === 1 ? cur.plus(r) : cur.minus(r));
  };
  return {
    addFramework: (f, used, active) => {
      frameworks.set(f.id, { f, active });
      for (const [agent, r] of used) use(f.id, agent, r, 1);
    },
    updateFramework: (f) => void (frameworks.get(f.id)!.f = f),
    removeFramework: (id) => {
      frameworks.delete(id);
      for (const a of agents.values()) a.used.delete(id);
    },
    activateFramework: (id) => void (frameworks.get(id)!.active = true),
    deactivateFramework: (id) => void (frameworks.get(id)!.active = false),
    addAgent: (a, used) => void agents.set(a.id, { a, active: true, used: new Map(used) }),
    updateAgent: (id, total) => void (agents.get(id)!.a.total = total),
    removeAgent: (id) => void agents.delete(id),
    activateAgent: (id) => void (agents.get(id)!.active = true),
    deactivateAgent: (id) => void (agents.get(id) && (agents.get(id)!.active = false)),
    recoverResources: (fw, agent, r, refuse = 0) => {
      use(fw, agent, r, -1);
      if (refuse > 0) filters.push({ fw, agent, res: r.unallocate(), until: options.clock.now() + refuse * 1000 });
    },
    updateAllocation: (fw, agent, from, to) => {
      const a = agents.get(agent);
      if (!a) return;
      a.a.total = a.a.total.minus(from.unallocate()).plus(to.unallocate());
      use(fw, agent, from, -1);
      use(fw, agent, to, 1);
    },
    suppressOffers: () => {},
    reviveOffers: (fw) => {
      for (let i = filters.length - 1; i >= 0; i--) if (filters[i]!.fw === fw) filters.splice(i, 1);
    },
    updateQuota: () => {},
    updateWeights: () => {},
    allocate(): Allocation[] {
      const out: Allocation[] = [];
      const now = options.clock.now();
      for (const [id, a] of agents) {
        if (!a.active) continue;
        for (const { f, active } of frameworks.values()) {
          if (!active || f.suppressedRoles.includes(f.roles[0]!)) continue;
          const available = free(id).allocatableTo(f.roles[0]!);
          if (available.scalar("cpus") < 0.01 && available.scalar("mem") < 32) continue;
          if (filters.some((x) => x.fw === f.id && x.agent === id && x.until > now && x.res.contains(available))) continue;
          const resources = available.allocate(f.roles[0]!);
          use(f.id, id, resources, 1);
          out.push({ frameworkId: f.id, agentId: id, role: f.roles[0]!, resources });
          break;
        }
      }
      return out;
    },
  };
}
