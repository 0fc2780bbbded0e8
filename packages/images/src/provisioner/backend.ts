/**
 * Provisioner backends build a container's root filesystem from an image's layers (base first):
 * `overlay` stacks the stored layers read-only under a per-container upper directory, `copy`
 * copies them into a fresh directory. Each stores layers in the whiteout form it applies.
 */
import { readFileSync } from "node:fs";
import type { WhiteoutFormat } from "../tar/unpack-layer.ts";

export type BackendName = "overlay" | "copy";

export interface ProvisionerBackend {
  readonly name: BackendName;
  readonly whiteouts: WhiteoutFormat;
  /** Builds `rootfs` from `layers` (their unpacked trees, base first); `scratch` holds per-container state. */
  provision(layers: string[], rootfs: string, scratch: string): Promise<void>;
  /** Removes `rootfs` and `scratch` (unmounting first); a missing one is not an error. */
  destroy(rootfs: string, scratch: string): Promise<void>;
}

/** Mount points in this mount namespace (octal escapes in /proc/self/mountinfo decoded). */
export function mountPoints(): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const field = line.split(" ")[4];
    if (field) out.add(field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))));
  }
  return out;
}
