/**
 * `--disk_profile_adaptor`: which disk profile adaptor storage resource providers use. Mesos loads
 * it as a module: `--disk_profile_adaptor=org_apache_mesos_UriDiskProfileAdaptor` with its
 * parameters (`uri`, `poll_interval`, `max_random_wait`) in `--modules`; that form works unchanged
 * (the adaptor is built in, so the library path is not read). Without modules the parameters can be
 * given inline: `--disk_profile_adaptor=uri=/etc/mesos/profiles.json,poll_interval=10secs`.
 * Unset: no profiles, so no storage pools (only pre-existing volumes are offered).
 */
import { parseDuration } from "@mesos/core";
import { validateProfileUri } from "@mesos/plugin-csi";

export const URI_DISK_PROFILE_ADAPTOR = "org_apache_mesos_UriDiskProfileAdaptor";

export interface DiskProfileAdaptorConfig {
  uri: string;
  pollIntervalMs?: number;
  maxRandomWaitMs?: number;
}

interface ModulesJson {
  libraries?: { file?: string; name?: string; modules?: { name?: string; parameters?: { key?: string; value?: string }[] }[] }[];
}

function fromParameters(params: Map<string, string>): DiskProfileAdaptorConfig {
  for (const key of params.keys()) {
    if (!["uri", "poll_interval", "max_random_wait"].includes(key))
      throw new Error(`unknown parameter '${key}' (uri, poll_interval, max_random_wait)`);
  }
  const uri = params.get("uri");
  if (!uri) throw new Error("the 'uri' parameter is required");
  validateProfileUri(uri);
  const duration = (key: string) => (params.has(key) ? parseDuration(params.get(key)!) : undefined);
  const pollIntervalMs = duration("poll_interval");
  if (pollIntervalMs !== undefined && pollIntervalMs <= 0) throw new Error("'poll_interval' must be positive");
  return { uri, pollIntervalMs, maxRandomWaitMs: duration("max_random_wait") };
}

/** The adaptor to use, or undefined; throws with the flag's name on bad input. */
export function diskProfileAdaptorConfig(adaptor: string | undefined, modules: string | undefined): DiskProfileAdaptorConfig | undefined {
  if (!adaptor) return undefined;
  try {
    if (adaptor !== URI_DISK_PROFILE_ADAPTOR) {
      return fromParameters(
        new Map(
          adaptor.split(",").map((pair) => {
            const at = pair.indexOf("=");
            if (at <= 0) throw new Error(`expected ${URI_DISK_PROFILE_ADAPTOR} or key=value pairs, got '${pair}'`);
            return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()] as const;
          }),
        ),
      );
    }
    if (!modules) throw new Error(`${URI_DISK_PROFILE_ADAPTOR} needs its parameters in --modules`);
    let parsed: ModulesJson;
    try {
      parsed = JSON.parse(modules) as ModulesJson;
    } catch (e) {
      throw new Error(`--modules is not valid JSON: ${(e as Error).message}`);
    }
    const all = (parsed.libraries ?? []).flatMap((l) => (l.modules ?? []).map((m) => ({ library: l.file ?? l.name ?? "", module: m })));
    const unknown = all.find((m) => m.module.name !== URI_DISK_PROFILE_ADAPTOR);
    if (unknown)
      throw new Error(
        `module '${unknown.module.name}' (library '${unknown.library}') is not available; only ${URI_DISK_PROFILE_ADAPTOR} is built in`,
      );
    const module = all[0]?.module;
    if (!module) throw new Error(`--modules does not configure ${URI_DISK_PROFILE_ADAPTOR}`);
    return fromParameters(new Map((module.parameters ?? []).map((p) => [p.key ?? "", p.value ?? ""])));
  } catch (e) {
    throw new Error(`Flag '--disk_profile_adaptor': ${(e as Error).message}`);
  }
}
