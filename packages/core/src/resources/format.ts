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

/**
 * The v0 JSON summary of resources: scalars summed by name, others in text form, with cpus, mem,
 * disk and gpus always present: `{cpus: 1.5, mem: 128, disk: 0, gpus: 0, ports: "[31000-31001]"}`.
 */
export function summarizeResources(resources: Iterable<Resource>): Record<string, number | string> {
  const out: Record<string, number | string> = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
  const fixed = new Map<string, number>();
  for (const r of resources) {
    if (r.type === Value_Type.SCALAR) fixed.set(r.name, (fixed.get(r.name) ?? 0) + Math.round((r.scalar?.value ?? 0) * 1000));
    else out[r.name] = formatValue(r);
  }
  for (const [name, value] of fixed) out[name] = value / 1000;
  return out;
}
