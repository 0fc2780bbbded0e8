/**
 * Volume capabilities as the driver sees them. `csi.v0.VolumeCapability` and
 * `csi.v1.VolumeCapability` have the same shape and numbers, so both fit this structural type and
 * the driver never needs to know which version asked.
 */
import type { VolumeKind } from "./volume-store.ts";

export interface Capability {
  accessType:
    | { case: "mount"; value: { fsType: string; mountFlags: string[] } }
    | { case: "block"; value: object }
    | { case: undefined; value?: undefined };
  accessMode?: { mode: number };
}

const ACCESS_MODES = [
  "UNKNOWN",
  "SINGLE_NODE_WRITER",
  "SINGLE_NODE_READER_ONLY",
  "MULTI_NODE_READER_ONLY",
  "MULTI_NODE_SINGLE_WRITER",
  "MULTI_NODE_MULTI_WRITER",
];

/** A hostpath volume lives on one node: only the single-node modes make sense. */
const SUPPORTED_MODES = new Set([1, 2]);
export const READER_ONLY_MODE = 2;

export function kindOf(capability: Capability): VolumeKind | undefined {
  return capability.accessType.case;
}

/** Why the driver cannot serve `capability` (for a volume of `kind`, if given), or undefined. */
export function unsupportedBecause(capability: Capability, kind?: VolumeKind): string | undefined {
  const asked = kindOf(capability);
  if (!asked) return "the capability has neither 'mount' nor 'block' access";
  const mode = capability.accessMode?.mode ?? 0;
  if (!SUPPORTED_MODES.has(mode)) {
    return `access mode ${ACCESS_MODES[mode] ?? mode} is not supported (only SINGLE_NODE_WRITER and SINGLE_NODE_READER_ONLY)`;
  }
  if (kind && asked !== kind) return `the volume is a ${kind.toUpperCase()} volume, not ${asked.toUpperCase()}`;
  return undefined;
}
