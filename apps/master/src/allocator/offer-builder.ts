/**
 * The one place allocations become `Resources` again: one Resource per candidate piece, carrying
 * AllocationInfo for the role. This runs once per offer and dominated the cycle, so:
 *
 * - Each (kind, role) gets a template message, made once with `create()`; an offered resource is a
 *   shallow copy of it (same prototype, same own fields: what `create()` returns, at a tenth of the
 *   cost) with its value set. Ranges and sets reuse the agent's immutable value messages.
 * - `Resources.of` normalizes by cloning every resource (~2.5 us each); these are already normalized
 *   and distinct, so the bag is built with `Resources.fromNormalized` and `identityKey`s cached per
 *   template.
 *
 * The shallow copy relies on how protobuf-es lays out messages, so it is verified at load against
 * `create()`; if it ever differs the builder falls back to `create()`.
 */
import { clone, create, equals, isFieldSet } from "@bufbuild/protobuf";
import { identityKey, parseResources, Resources } from "@mesos/core";
import { type Resource, Resource_AllocationInfoSchema, ResourceSchema, Value_ScalarSchema, Value_Type } from "@mesos/proto";
import type { AgentState } from "./agent-state.ts";
import type { Candidate } from "./candidate.ts";
import type { Kind } from "./resource-kinds.ts";

interface Template {
  message: Resource;
  proto: object;
  key: string;
}

function templateOf(kind: Kind, role: string): Template {
  const t = kind.template;
  const message = create(ResourceSchema, {
    name: t.name,
    type: t.type,
    reservations: t.reservations,
    disk: t.disk,
    revocable: t.revocable,
    shared: t.shared,
    providerId: t.providerId,
    allocationInfo: create(Resource_AllocationInfoSchema, { role }),
  });
  return { message, proto: Object.getPrototypeOf(message) as object, key: identityKey(message) };
}

function fromTemplate(t: Template): Resource {
  const r = Object.assign(Object.create(t.proto) as Resource, t.message);
  r.reservations = t.message.reservations.slice();
  return r;
}

function selfCheck(): { copy: boolean } {
  const result = { copy: false };
  try {
    const probe = parseResources("cpus:1.5;mem:64;ports:[31000-31005,31010-31020];disk(r1):10").allocate("r1/x");
    const list = [...probe];
    result.copy = list.every((r) => {
      const t = templateOf({ template: r } as Kind, "r1/x");
      const copy = fromTemplate(t);
      copy.scalar = r.scalar;
      copy.ranges = r.ranges;
      const m = t.message;
      const made = create(ResourceSchema, {
        name: m.name,
        type: m.type,
        reservations: m.reservations,
        disk: m.disk,
        allocationInfo: m.allocationInfo,
        scalar: r.scalar,
        ranges: r.ranges,
      });
      return (
        equals(ResourceSchema, copy, made) &&
        equals(ResourceSchema, copy, r) &&
        isFieldSet(copy, ResourceSchema.field.role!) === isFieldSet(made, ResourceSchema.field.role!) &&
        copy.role === made.role
      );
    });
  } catch {
    // fall back to the plain path
  }
  return result;
}

const FAST = selfCheck();

export class OfferBuilder {
  private readonly templates = new Map<Kind, Map<string, Template>>();
  private list: Resource[] = [];
  private keys: string[] = [];

  build(agent: AgentState, role: string, c: Candidate): Resources {
    const list = this.list;
    const keys = this.keys;
    list.length = c.len;
    keys.length = c.len;
    for (let i = 0; i < c.len; i++) {
      const e = c.entry[i]!;
      const kind = agent.kinds[e]!;
      const t = this.template(kind, role);
      const r = FAST.copy ? fromTemplate(t) : clone(ResourceSchema, t.message);
      if (kind.scalar) {
        const amount = kind.shared ? agent.totalAmount[e]! : c.amount[i]!;
        r.scalar = create(Value_ScalarSchema, { value: amount / 1000 });
      } else if (kind.type === Value_Type.RANGES) {
        r.ranges = c.value[i] as Resource["ranges"];
      } else {
        r.set = c.value[i] as Resource["set"];
      }
      list[i] = r;
      keys[i] = t.key;
    }
    return Resources.fromNormalized(list, keys);
  }

  private template(kind: Kind, role: string): Template {
    let byRole = this.templates.get(kind);
    if (!byRole) {
      byRole = new Map();
      this.templates.set(kind, byRole);
    }
    let t = byRole.get(role);
    if (!t) {
      t = templateOf(kind, role);
      byRole.set(role, t);
    }
    return t;
  }
}
