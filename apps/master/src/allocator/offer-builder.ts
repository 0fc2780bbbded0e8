/**
 * The one place allocations become `Resources` again: one Resource per candidate piece, carrying
 * AllocationInfo for the role, built with `create()` from the kind's metadata. Values are not
 * copied: scalars get a fresh Value.Scalar, ranges and sets reuse the agent's immutable value
 * messages.
 *
 * `Resources.of` normalizes by cloning every resource (about 2.5 us each, more than the rest of a
 * cycle's work per offer), and these resources are already normalized and distinct, so the bag is
 * assembled directly through Resources' constructor. That constructor is private in TypeScript
 * only; a self-check at load compares the result with `Resources.of` and falls back to it if the
 * representation ever changes. TODO(core): a public `Resources.fromNormalized()` would remove this.
 */
import { create } from "@bufbuild/protobuf";
import { identityKey, parseResources, Resources } from "@mesos/core";
import { type Resource, type Resource_AllocationInfo, Resource_AllocationInfoSchema, ResourceSchema, Value_ScalarSchema, Value_Type } from "@mesos/proto";
import type { AgentState } from "./agent-state.ts";
import type { Candidate } from "./candidate.ts";
import type { Kind, KindTable } from "./resource-kinds.ts";

type Entry = { key: string; resource: Resource; count: number };
const ResourcesFromEntries = Resources as unknown as new (entries: Entry[]) => Resources;

function assemble(list: Resource[], keys: string[]): Resources {
  const entries = new Array<Entry>(list.length);
  for (let i = 0; i < list.length; i++) entries[i] = { key: keys[i]!, resource: list[i]!, count: 1 };
  return new ResourcesFromEntries(entries);
}

function selfCheck(): boolean {
  try {
    const probe = parseResources("cpus:1.5;mem:64;ports:[31000-31005,31010-31020];disk(r1):10").allocate("r1/x");
    const list = [...probe];
    const rebuilt = assemble(list, list.map(identityKey));
    return (
      rebuilt.size === probe.size &&
      rebuilt.equals(probe) &&
      rebuilt.toString() === probe.toString() &&
      rebuilt.plus(probe).scalar("cpus") === 3 &&
      rebuilt.minus(probe).isEmpty()
    );
  } catch {
    return false;
  }
}

const FAST = selfCheck();

export class OfferBuilder {
  private readonly allocationInfos = new Map<string, Resource_AllocationInfo>();
  /** identityKey of an offered resource depends only on its kind and role. */
  private readonly keys = new Map<Kind, Map<string, string>>();
  private list: Resource[] = [];
  private listKeys: string[] = [];

  constructor(private readonly kinds: KindTable) {}

  build(agent: AgentState, role: string, c: Candidate): Resources {
    let info = this.allocationInfos.get(role);
    if (!info) {
      info = create(Resource_AllocationInfoSchema, { role });
      this.allocationInfos.set(role, info);
    }
    const list = this.list;
    const keys = this.listKeys;
    list.length = c.len;
    keys.length = c.len;
    for (let i = 0; i < c.len; i++) {
      const e = c.entry[i]!;
      const kind = agent.kinds[e]!;
      const t = kind.template;
      const value = c.value[i] ?? undefined;
      const amount = kind.shared ? agent.totalAmount[e]! : c.amount[i]!;
      const r = create(ResourceSchema, {
        name: t.name,
        type: t.type,
        scalar: kind.scalar ? create(Value_ScalarSchema, { value: amount / 1000 }) : undefined,
        ranges: t.type === Value_Type.RANGES ? (value as Resource["ranges"]) : undefined,
        set: t.type === Value_Type.SET ? (value as Resource["set"]) : undefined,
        reservations: t.reservations,
        disk: t.disk,
        revocable: t.revocable,
        shared: t.shared,
        providerId: t.providerId,
        allocationInfo: info,
      });
      this.kinds.remember(r, kind);
      list[i] = r;
      keys[i] = this.keyOf(kind, role, r);
    }
    return FAST ? assemble(list, keys) : Resources.of(list);
  }

  private keyOf(kind: Kind, role: string, r: Resource): string {
    let byRole = this.keys.get(kind);
    if (!byRole) {
      byRole = new Map();
      this.keys.set(kind, byRole);
    }
    let key = byRole.get(role);
    if (key === undefined) {
      key = identityKey(r);
      byRole.set(role, key);
    }
    return key;
  }
}
