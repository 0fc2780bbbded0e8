/** `Filters.refuse_seconds` as Mesos reads it: default 5 s, invalid or negative -> 5 s, at most 365 days. */
import { isFieldSet } from "@bufbuild/protobuf";
import { type Filters, FiltersSchema } from "@mesos/proto";

const DEFAULT_REFUSE_SECONDS = 5;
const MAX_REFUSE_SECONDS = 365 * 24 * 3600;

export function refuseSeconds(filters: Filters | undefined): number {
  if (!filters || !isFieldSet(filters, FiltersSchema.field.refuseSeconds!)) return DEFAULT_REFUSE_SECONDS;
  const s = filters.refuseSeconds;
  if (!Number.isFinite(s) || s < 0) return Number.isNaN(s) || s < 0 ? DEFAULT_REFUSE_SECONDS : MAX_REFUSE_SECONDS;
  return Math.min(s, MAX_REFUSE_SECONDS);
}
