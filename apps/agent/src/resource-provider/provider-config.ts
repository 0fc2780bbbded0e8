/**
 * Resource provider configs: one `ResourceProviderInfo` JSON (Mesos's JSON form) per file in
 * `--resource_provider_config_dir`, as Mesos's local resource provider daemon keeps them. The
 * operator calls ADD/UPDATE/REMOVE_RESOURCE_PROVIDER_CONFIG write files named
 * `<type>.<name>.<uuid>.json` through a staging directory (so a crash never leaves half a file).
 * A file that cannot be read or is not a valid config is reported and skipped.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { equals } from "@bufbuild/protobuf";
import { errorMessage, fromMesosJson, newUuid, toMesosJson } from "@mesos/core";
import { CSIPluginContainerInfo_Service, type ResourceProviderInfo, ResourceProviderInfoSchema } from "@mesos/proto";

export const STORAGE_PROVIDER_TYPE = "org.apache.mesos.rp.local.storage";

/** Mesos requires Java-identifier-like names: letters, digits and underscores. */
const isValidName = (s: string) => /^[A-Za-z0-9_]+$/.test(s);
/** ...and Java-package-like types: names joined by dots. */
const isValidType = (s: string) => s !== "" && s.split(".").every(isValidName);

/** Why `info` is not a valid storage resource provider config (Mesos's checks), or undefined. */
export function validateProviderInfo(info: ResourceProviderInfo): string | undefined {
  if (info.id) return "'ResourceProviderInfo.id' must not be set";
  if (info.type !== STORAGE_PROVIDER_TYPE) return `Unknown resource provider type '${info.type}' (expected '${STORAGE_PROVIDER_TYPE}')`;
  if (!isValidName(info.name)) return `Resource provider name '${info.name}' does not follow Java package naming convention`;
  if (!info.storage) return "'ResourceProviderInfo.storage' must be set";
  const plugin = info.storage.plugin;
  if (!plugin) return "'ResourceProviderInfo.storage.plugin' must be set";
  if (!isValidType(plugin.type) || !isValidName(plugin.name)) {
    return `CSI plugin type '${plugin.type}' and name '${plugin.name}' does not follow Java package naming convention`;
  }
  if (!plugin.containers.some((c) => c.services.includes(CSIPluginContainerInfo_Service.NODE_SERVICE))) return "NODE_SERVICE not found";
  if (!plugin.containers.some((c) => c.services.includes(CSIPluginContainerInfo_Service.CONTROLLER_SERVICE))) return "CONTROLLER_SERVICE not found";
  for (const container of plugin.containers) {
    if (!container.command?.value) return "Every plugin container needs a 'command' with a 'value'";
  }
  return undefined;
}

/** What UPDATE_RESOURCE_PROVIDER_CONFIG may change: only the plugin's containers. */
export function updateError(before: ResourceProviderInfo, after: ResourceProviderInfo): string | undefined {
  const strip = (info: ResourceProviderInfo) => {
    const copy = fromMesosJson(ResourceProviderInfoSchema, toMesosJson(ResourceProviderInfoSchema, info));
    if (copy.storage?.plugin) copy.storage.plugin.containers = [];
    return copy;
  };
  return equals(ResourceProviderInfoSchema, strip(before), strip(after))
    ? undefined
    : "Only 'storage.plugin.containers' of a resource provider config can be updated";
}

export function parseProviderConfig(text: string): ResourceProviderInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`Failed to parse the JSON config: ${errorMessage(e)}`);
  }
  let info: ResourceProviderInfo;
  try {
    info = fromMesosJson(ResourceProviderInfoSchema, json as never);
  } catch (e) {
    throw new Error(`Not a valid resource provider config: ${errorMessage(e)}`);
  }
  const error = validateProviderInfo(info);
  if (error) throw new Error(error);
  return info;
}

export interface ConfigFile {
  path: string;
  info: ResourceProviderInfo;
}

/** The configs in the directory; problems (bad files, duplicates) are returned, not thrown. */
export function loadConfigDir(dir: string): { configs: ConfigFile[]; problems: string[] } {
  const configs: ConfigFile[] = [];
  const problems: string[] = [];
  if (!existsSync(dir)) return { configs, problems: [`The resource provider config directory '${dir}' does not exist`] };
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) continue;
    try {
      const info = parseProviderConfig(readFileSync(path, "utf8"));
      if (configs.some((c) => c.info.type === info.type && c.info.name === info.name)) {
        throw new Error(`Multiple resource providers with type '${info.type}' and name '${info.name}'`);
      }
      configs.push({ path, info });
    } catch (e) {
      problems.push(`Failed to load resource provider config '${path}': ${errorMessage(e)}`);
    }
  }
  return { configs, problems };
}

/** Writes a config atomically; a new one gets `<type>.<name>.<uuid>.json`. */
export function saveConfig(dir: string, info: ResourceProviderInfo, path = join(dir, `${info.type}.${info.name}.${newUuid()}.json`)): string {
  const staging = join(dir, ".staging");
  mkdirSync(staging, { recursive: true });
  const temp = join(staging, basename(path));
  writeFileSync(temp, JSON.stringify(toMesosJson(ResourceProviderInfoSchema, info), null, 2));
  renameSync(temp, path);
  return path;
}

export function removeConfig(path: string): void {
  rmSync(path, { force: true });
}
