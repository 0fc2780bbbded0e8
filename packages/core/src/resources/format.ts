/** Text form of resources for logs and the CLI: `cpus(role):4; mem:1024; ports:[31000-32000]`. */
import { type Resource, Value_Type } from "@mesos/proto";
import { formatRanges } from "./ranges.ts";
import { formatSet } from "./sets.ts";

export function formatValue(r: Resource): string {
  switch (r.type) {
    case Value_Type.SCALAR:
      return String(r.scalar?.value ?? 0);
    case Value_Type.RANGES:
      return formatRanges(r.ranges?.range ?? []);
    case Value_Type.SET:
      return formatSet(r.set?.item ?? []);
    default:
      return "?";
  }
}

export function formatResource(r: Resource): string {
  let out = r.name;
  if (r.reservations.length > 0) out += `(${r.reservations.map((x) => x.role).join(">")})`;
  if (r.allocationInfo) out += `(allocated: ${r.allocationInfo.role})`;
  if (r.disk?.persistence) out += `[${r.disk.persistence.id}:${r.disk.volume?.containerPath ?? ""}]`;
  if (r.revocable) out += "{REV}";
  if (r.shared) out += "<SHARED>";
  return `${out}:${formatValue(r)}`;
}
