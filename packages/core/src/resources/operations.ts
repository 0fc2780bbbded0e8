/**
 * What an offer operation does to resources, as one conversion: the resources it `consumed` become
 * the `converted` ones. RESERVE pushes a reservation, UNRESERVE pops it, CREATE turns plain disk into
 * a persistent volume, DESTROY the reverse, GROW/SHRINK_VOLUME trade plain disk for volume size.
 * The master applies conversions to offers (speculatively) and the agent to its checkpointed total.
 */
import { clone, create } from "@bufbuild/protobuf";
import { type Offer_Operation, Offer_Operation_Type, type Resource, Resource_DiskInfoSchema, ResourceSchema, Value_ScalarSchema } from "@mesos/proto";
import { conflict, invalid } from "../errors.ts";
import { Resources } from "./resources.ts";
import { addScalars, subtractScalars, toFixed } from "./scalar.ts";
import { upgradeResource } from "./reservation-format.ts";

export interface Conversion {
  consumed: Resources;
  converted: Resources;
}

/** A persistent volume as the plain disk it was made from (the disk source, if any, stays). */
export function stripVolume(volume: Resource): Resource {
  const out = clone(ResourceSchema, volume);
  out.disk = volume.disk?.source ? create(Resource_DiskInfoSchema, { source: volume.disk.source }) : undefined;
  out.shared = undefined;
  return out;
}

function withScalar(r: Resource, value: number): Resource {
  const out = clone(ResourceSchema, r);
  out.scalar = create(Value_ScalarSchema, { value });
  return out;
}

export function operationConversion(op: Offer_Operation): Conversion {
  const of = (list: Resource[]) => Resources.of(list.map(upgradeResource));
  switch (op.type) {
    case Offer_Operation_Type.RESERVE: {
      const converted = of(op.reserve?.resources ?? []);
      return { consumed: converted.popReservation(), converted };
    }
    case Offer_Operation_Type.UNRESERVE: {
      const consumed = of(op.unreserve?.resources ?? []);
      return { consumed, converted: consumed.popReservation() };
    }
    case Offer_Operation_Type.CREATE: {
      const converted = of(op.create?.volumes ?? []);
      return { consumed: converted.map(stripVolume), converted };
    }
    case Offer_Operation_Type.DESTROY: {
      const consumed = of(op.destroy?.volumes ?? []);
      return { consumed, converted: consumed.map(stripVolume) };
    }
    case Offer_Operation_Type.GROW_VOLUME: {
      const volume = op.growVolume?.volume;
      const addition = op.growVolume?.addition;
      if (!volume || !addition) throw invalid("GROW_VOLUME needs 'volume' and 'addition'");
      const grown = withScalar(upgradeResource(volume), addScalars(volume.scalar?.value ?? 0, addition.scalar?.value ?? 0));
      return { consumed: of([volume, addition]), converted: Resources.of([grown]) };
    }
    case Offer_Operation_Type.SHRINK_VOLUME: {
      const volume = op.shrinkVolume?.volume;
      const subtract = op.shrinkVolume?.subtract?.value;
      if (!volume || subtract === undefined) throw invalid("SHRINK_VOLUME needs 'volume' and 'subtract'");
      const v = upgradeResource(volume);
      const left = subtractScalars(v.scalar?.value ?? 0, subtract);
      if (toFixed(subtract) <= 0 || toFixed(left) <= 0) {
        throw invalid(`SHRINK_VOLUME must take away more than 0 and less than the volume's ${v.scalar?.value ?? 0}`);
      }
      return { consumed: Resources.of([v]), converted: Resources.of([withScalar(v, left), withScalar(stripVolume(v), subtract)]) };
    }
    default:
      throw invalid(`Operation ${Offer_Operation_Type[op.type] ?? op.type} does not convert resources`);
  }
}

/** `resources` after the conversion; a conflict if they do not hold what it consumes. */
export function applyConversion(resources: Resources, c: Conversion): Resources {
  if (!resources.contains(c.consumed)) throw conflict(`${resources} does not contain ${c.consumed}`);
  return resources.minus(c.consumed).plus(c.converted);
}
