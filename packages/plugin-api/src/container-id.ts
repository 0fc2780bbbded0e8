/**
 * Container ids as Mesos prints them: a nested container is `parent.child` (all the way up).
 */
import { create } from "@bufbuild/protobuf";
import { type ContainerID, ContainerIDSchema } from "@mesos/proto";

export function containerIdString(id: ContainerID): string {
  return id.parent ? `${containerIdString(id.parent)}.${id.value}` : id.value;
}

export function parseContainerId(path: string): ContainerID {
  const parts = path.split(".");
  let id: ContainerID | undefined;
  for (const value of parts) id = create(ContainerIDSchema, { value, parent: id });
  return id!;
}

export function rootContainerId(id: ContainerID): ContainerID {
  return id.parent ? rootContainerId(id.parent) : id;
}

export function containerIdDepth(id: ContainerID): number {
  return id.parent ? 1 + containerIdDepth(id.parent) : 0;
}
