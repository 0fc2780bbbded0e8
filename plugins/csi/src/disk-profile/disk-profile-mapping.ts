/**
 * The disk profile mapping as Mesos 1.8 reads it (disk_profile_utils.cpp): protobuf JSON of
 * `DiskProfileMapping` (unknown fields ignored), then validated: every profile needs a selector and a
 * volume capability with an access mode, and its mount flags may not exceed 4 KB.
 */
import { fromJsonString } from "@bufbuild/protobuf";
import { invalid } from "@mesos/core";
import { type DiskProfileMapping, type DiskProfileMapping_CSIManifest, DiskProfileMappingSchema } from "@mesos/proto/csi";
import { VolumeCapability_AccessMode_Mode } from "@mesos/proto/csi/v0";

/** What a selector matches against: a resource provider's type, name and CSI plugin type. */
export interface ResourceProviderRef {
  type: string;
  name: string;
  pluginType?: string;
}

function selectorError(manifest: DiskProfileMapping_CSIManifest): string | undefined {
  const selector = manifest.selector;
  switch (selector.case) {
    case "resourceProviderSelector":
      for (const rp of selector.value.resourceProviders) {
        if (!rp.type) return "'type' is a required field for ResourceProviderSelector";
        if (!rp.name) return "'name' is a required field for ResourceProviderSelector";
      }
      return undefined;
    case "csiPluginTypeSelector":
      return selector.value.pluginType ? undefined : "'plugin_type' is a required field for CSIPluginTypeSelector";
    default:
      return "Expecting a selector to be present";
  }
}

function capabilityError(manifest: DiskProfileMapping_CSIManifest): string | undefined {
  const capability = manifest.volumeCapabilities!;
  if (capability.accessType.case === "mount") {
    const size = capability.accessType.value.mountFlags.reduce((n, f) => n + Buffer.byteLength(f), 0);
    if (size > 4096) return "Size of 'mount_flags' may not exceed 4 KB";
  }
  if (!capability.accessMode) return "'access_mode' is a required field";
  if (capability.accessMode.mode === VolumeCapability_AccessMode_Mode.UNKNOWN) return "'access_mode.mode' is unknown or not set";
  return undefined;
}

function validateDiskProfileMapping(mapping: DiskProfileMapping): string | undefined {
  for (const [profile, manifest] of Object.entries(mapping.profileMatrix)) {
    const selector = selectorError(manifest);
    if (selector) return `Profile '${profile}' has no valid selector: ${selector}`;
    if (!manifest.volumeCapabilities) return `Profile '${profile}' is missing the required field 'volume_capabilities'`;
    const capability = capabilityError(manifest);
    if (capability) return `Profile '${profile}' has an invalid VolumeCapability: ${capability}`;
  }
  return undefined;
}

export function parseDiskProfileMapping(text: string): DiskProfileMapping {
  let mapping: DiskProfileMapping;
  try {
    mapping = fromJsonString(DiskProfileMappingSchema, text, { ignoreUnknownFields: true });
  } catch (e) {
    throw invalid(`Failed to parse DiskProfileMapping message: ${(e as Error).message}`);
  }
  const error = validateDiskProfileMapping(mapping);
  if (error) throw invalid(`Fetched profile mapping failed validation with: ${error}`);
  return mapping;
}

export function isSelectedResourceProvider(manifest: DiskProfileMapping_CSIManifest, rp: ResourceProviderRef): boolean {
  const selector = manifest.selector;
  if (selector.case === "resourceProviderSelector") {
    return selector.value.resourceProviders.some((p) => p.type === rp.type && p.name === rp.name);
  }
  if (selector.case === "csiPluginTypeSelector") return rp.pluginType === selector.value.pluginType;
  return false;
}
