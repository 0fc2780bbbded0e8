/**
 * Mesos has two ways to write a reservation. Before RESERVATION_REFINEMENT a resource carried
 * `role` (plus `reservation` for dynamic ones); since then it carries a stack in `reservations`.
 * Internally we always use the stack ("upgrade" on the way in) and "downgrade" only for frameworks
 * that do not have the RESERVATION_REFINEMENT capability.
 */
import { clearField, create, isFieldSet } from "@bufbuild/protobuf";
import { type Resource, Resource_ReservationInfo_Type, Resource_ReservationInfoSchema, ResourceSchema } from "@mesos/proto";
import { copyMessage } from "./copy-message.ts";

const ROLE = ResourceSchema.field.role!;
const RESERVATION = ResourceSchema.field.reservation!;

export function upgradeResource(r: Resource): Resource {
  const hasRole = isFieldSet(r, ROLE);
  const hasLegacy = isFieldSet(r, RESERVATION);
  if (!hasRole && !hasLegacy) return r;
  const out = copyMessage(r);
  if (r.reservations.length === 0 && hasRole && r.role !== "*") {
    out.reservations = [
      r.reservation
        ? create(Resource_ReservationInfoSchema, {
            type: Resource_ReservationInfo_Type.DYNAMIC,
            role: r.role,
            principal: r.reservation.principal,
            labels: r.reservation.labels,
          })
        : create(Resource_ReservationInfoSchema, { type: Resource_ReservationInfo_Type.STATIC, role: r.role }),
    ];
  }
  clearField(out, ROLE);
  clearField(out, RESERVATION);
  return out;
}

/** Whether a resource can be written in the old format (at most one reservation). */
export function canDowngrade(r: Resource): boolean {
  return r.reservations.length <= 1;
}

export function downgradeResource(r: Resource): Resource {
  if (!canDowngrade(r)) throw new Error(`Resource '${r.name}' has refined reservations and cannot be downgraded`);
  const out = copyMessage(r);
  const top = r.reservations[0];
  out.reservations = [];
  out.role = top ? top.role : "*";
  if (top?.type === Resource_ReservationInfo_Type.DYNAMIC) {
    out.reservation = create(Resource_ReservationInfoSchema, { principal: top.principal, labels: top.labels });
  }
  return out;
}
