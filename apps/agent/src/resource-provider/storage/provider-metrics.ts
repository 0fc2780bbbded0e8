/**
 * A storage resource provider's metrics, with Mesos's names under
 * `resource_providers/<type>.<name>/`: `operations/<operation>/pending|finished|failed|dropped`
 * for reserve, unreserve, create, destroy, create_disk and destroy_disk (and `operations/unknown/dropped`),
 * plus its CSI plugin's `csi_plugin/*`.
 */
import { createCsiMetrics, csiMetricsSnapshot } from "@mesos/plugin-csi";
import { Offer_Operation_Type } from "@mesos/proto";

const TYPES = [
  Offer_Operation_Type.RESERVE,
  Offer_Operation_Type.UNRESERVE,
  Offer_Operation_Type.CREATE,
  Offer_Operation_Type.DESTROY,
  Offer_Operation_Type.CREATE_DISK,
  Offer_Operation_Type.DESTROY_DISK,
];

export function createProviderMetrics(prefix: string) {
  const csi = createCsiMetrics();
  const values = new Map<string, number>();
  const key = (type: Offer_Operation_Type, what: string) =>
    `${prefix}operations/${TYPES.includes(type) ? Offer_Operation_Type[type]!.toLowerCase() : "unknown"}/${what}`;
  for (const type of TYPES) for (const what of ["pending", "finished", "failed", "dropped"]) values.set(key(type, what), 0);
  values.set(`${prefix}operations/unknown/dropped`, 0);
  const add = (name: string, by: number) => values.set(name, (values.get(name) ?? 0) + by);
  return {
    csi,
    pending: (type: Offer_Operation_Type, by: 1 | -1) => add(key(type, "pending"), by),
    count: (type: Offer_Operation_Type, what: "finished" | "failed" | "dropped") => add(key(type, what), 1),
    snapshot: (): Record<string, number> => ({ ...Object.fromEntries(values), ...csiMetricsSnapshot(csi, prefix) }),
  };
}
