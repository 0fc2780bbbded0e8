/**
 * Container ids in their two forms: the `ContainerID` message, a chain of parents, and its key,
 * the id as Mesos prints it, `root.child.grandchild` ('.' is reserved for this: a value never
 * holds one). Every split or join of a key goes through here.
 */
import { create } from "@bufbuild/protobuf";
import { type ContainerID, ContainerIDSchema } from "@mesos/proto";

const SEPARATOR = ".";

/** `parent.child` for a nested container, all the way up. */
export function containerIdString(id: ContainerID): string {
  return id.parent ? `${containerIdString(id.parent)}${SEPARATOR}${id.value}` : id.value;
}

export function parseContainerId(key: string): ContainerID {
  let id: ContainerID | undefined;
  for (const value of key.split(SEPARATOR)) id = create(ContainerIDSchema, { value, parent: id });
  return id!;
}

export function rootContainerId(id: ContainerID): ContainerID {
  return id.parent ? rootContainerId(id.parent) : id;
}

/** The key of a container's top-level ancestor (itself when it is not nested). */
export function rootKey(key: string): string {
  const dot = key.indexOf(SEPARATOR);
  return dot < 0 ? key : key.slice(0, dot);
}

/** The key of the container's parent; undefined for a top-level container. */
export function parentKey(key: string): string | undefined {
  const dot = key.lastIndexOf(SEPARATOR);
  return dot < 0 ? undefined : key.slice(0, dot);
}

/** The container's own value, without its parents' (`c` for `a.b.c`). */
export function ownValue(key: string): string {
  return key.slice(key.lastIndexOf(SEPARATOR) + 1);
}

export const isNestedKey = (key: string): boolean => key.includes(SEPARATOR);

export const nestedKey = (parent: string, value: string): string => `${parent}${SEPARATOR}${value}`;

/** Mesos's rules for one ContainerID value (the '.' separator is not allowed in it). */
export function containerIdValueError(value: string): string | undefined {
  if (!value) return "'ContainerID.value' must not be empty";
  if (/[./\s\x00-\x1f]/.test(value)) return `'ContainerID.value' '${value}' contains invalid characters ('.', '/', whitespace or control characters)`;
  if (value.length > 242) return "'ContainerID.value' must be at most 242 characters";
  return undefined;
}
