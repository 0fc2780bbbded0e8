/**
 * Encodings of what an attach report (report.ts) carries besides the tasks, kept beside the values
 * they encode: a FrameworkInfo (ctx.frameworks holds the one of the framework's last launch, whose
 * bytes came in its RunTask) and the agent's checkpointed resources (a Resources is never changed,
 * only replaced). After a failover every agent reports at once, and encoding its frameworks and
 * resources again (a copy of each resource first) was a fifth of what building a report cost.
 * Neither is changed in place once the agent holds it: a changed one is a new object, encoded anew.
 */
import { toBinary } from "@bufbuild/protobuf";
import type { Resources } from "@mesos/core";
import { type FrameworkInfo, FrameworkInfoSchema, ResourceSchema } from "@mesos/proto";

const frameworks = new WeakMap<FrameworkInfo, Uint8Array>();
const resources = new WeakMap<Resources, Uint8Array[]>();

/** `bytes` are `info`'s encoding as it arrived (a RunTask's framework_info): the report reuses them. */
export function keepFrameworkBytes(info: FrameworkInfo, bytes: Uint8Array): void {
  frameworks.set(info, bytes);
}

export function frameworkBytes(info: FrameworkInfo): Uint8Array {
  let bytes = frameworks.get(info);
  if (!bytes) frameworks.set(info, (bytes = toBinary(FrameworkInfoSchema, info)));
  return bytes;
}

/** Each resource's encoding, in order. */
export function resourcesBytes(total: Resources): Uint8Array[] {
  let bytes = resources.get(total);
  if (!bytes) resources.set(total, (bytes = [...total].map((r) => toBinary(ResourceSchema, r))));
  return bytes;
}
