/**
 * The URI disk profile adaptor (Mesos's org_apache_mesos_UriDiskProfileAdaptor): fetches a profile
 * mapping from a file or an http(s) URL, again every `poll_interval` if given. A profile, once seen,
 * is immutable: a fetched mapping that changes a known profile's capability or parameters is ignored
 * entirely (with a warning), since that is a mistake upstream. Profiles that disappear become inactive.
 * Resource providers `watch` for their set of profiles to change.
 */
import { readFile } from "node:fs/promises";
import { equals } from "@bufbuild/protobuf";
import { type Clock, errorMessage, invalid, type Logger, notFound, type TimerHandle } from "@mesos/core";
import type { DiskProfileMapping, DiskProfileMapping_CSIManifest, VolumeCapability } from "@mesos/proto/csi";
import { VolumeCapabilitySchema as V0VolumeCapabilitySchema } from "@mesos/proto/csi/v0";
import { sameMap } from "../client.ts";
import { devolve } from "../v0/v0-client.ts";
import { isSelectedResourceProvider, parseDiskProfileMapping, type ResourceProviderRef } from "./disk-profile-mapping.ts";

export interface ProfileInfo {
  capability: VolumeCapability;
  parameters: Record<string, string>;
}

export interface DiskProfileAdaptor {
  /** The capability and parameters of a profile for this resource provider. */
  translate(profile: string, rp: ResourceProviderRef): Promise<ProfileInfo>;
  /** Resolves with the provider's active profiles once they differ from `known`. */
  watch(known: ReadonlySet<string>, rp: ResourceProviderRef): Promise<Set<string>>;
  stop(): void;
}

export interface UriDiskProfileAdaptorOptions {
  /** `http(s)://...`, an absolute path, or `file:///absolute/path`. */
  uri: string;
  /** Unset: fetched once. */
  pollIntervalMs?: number;
  /** Watchers are told of new profiles after a random wait in [0, this], to spread provider updates. */
  maxRandomWaitMs?: number;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
  random?: () => number;
}

/** Checks the adaptor's `uri` parameter as Mesos does: http(s) URLs or absolute file paths. */
export function validateProfileUri(uri: string): string {
  if (/^https?:\/\//.test(uri)) {
    if (!URL.canParse(uri)) throw invalid(`Failed to parse URI '${uri}'`);
    return uri;
  }
  const path = uri.startsWith("file://") ? uri.slice("file://".length) : uri;
  if (path.includes("://")) throw invalid("--uri must use a supported scheme (file or http(s))");
  if (!path.startsWith("/")) throw invalid("--uri to a file must be an absolute path");
  return path;
}

export function createUriDiskProfileAdaptor(options: UriDiskProfileAdaptorOptions): DiskProfileAdaptor {
  const { clock, log } = options;
  const source = validateProfileUri(options.uri);
  if (options.pollIntervalMs !== undefined && options.pollIntervalMs <= 0) throw invalid("--poll_interval must be positive");
  const fetchFn = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const profiles = new Map<string, { manifest: DiskProfileMapping_CSIManifest; active: boolean }>();
  let changed = Promise.withResolvers<void>();
  let timer: TimerHandle | undefined;
  let stopped = false;

  async function fetchMapping(): Promise<string> {
    if (!source.startsWith("http")) return readFile(source, "utf8");
    const response = await fetchFn(source);
    if (!response.ok) throw new Error(`Unexpected HTTP response '${response.status} ${response.statusText}'`);
    return response.text();
  }

  function notify(mapping: DiskProfileMapping): void {
    for (const [name, manifest] of Object.entries(mapping.profileMatrix)) {
      const known = profiles.get(name)?.manifest;
      if (!known) continue;
      const same =
        equals(V0VolumeCapabilitySchema, manifest.volumeCapabilities!, known.volumeCapabilities!) &&
        sameMap(manifest.createParameters, known.createParameters);
      if (!same) {
        log.warn(`Fetched profile mapping for profile '${name}' does not match earlier data. The fetched mapping will be ignored entirely`);
        return;
      }
    }
    for (const [name, record] of profiles) {
      if (!(name in mapping.profileMatrix) && record.active) {
        record.active = false;
        log.info(`Profile '${name}' is marked inactive because it is not in the fetched profile mapping`);
      }
    }
    for (const [name, manifest] of Object.entries(mapping.profileMatrix)) profiles.set(name, { manifest, active: true });
    const done = changed;
    changed = Promise.withResolvers<void>();
    const wait = (options.maxRandomWaitMs ?? 0) * random();
    if (wait > 0) clock.setTimeout(() => done.resolve(), wait);
    else done.resolve();
    log.info(`Updated disk profile mapping to ${Object.keys(mapping.profileMatrix).length} active profiles`);
  }

  async function poll(): Promise<void> {
    try {
      notify(parseDiskProfileMapping(await fetchMapping()));
    } catch (e) {
      log.warn(`Failed to poll URI '${options.uri}': ${errorMessage(e)}`);
    }
    if (options.pollIntervalMs !== undefined && !stopped) timer = clock.setTimeout(() => void poll(), options.pollIntervalMs);
  }

  void poll();

  function activeFor(rp: ResourceProviderRef): Set<string> {
    return new Set([...profiles].filter(([, r]) => r.active && isSelectedResourceProvider(r.manifest, rp)).map(([name]) => name));
  }

  return {
    async translate(profile, rp) {
      const record = profiles.get(profile);
      if (!record?.active) throw notFound(`Profile '${profile}' not found`);
      if (!isSelectedResourceProvider(record.manifest, rp)) {
        throw invalid(`Profile '${profile}' does not apply to resource provider with type '${rp.type}' and name '${rp.name}'`);
      }
      return { capability: devolve(record.manifest.volumeCapabilities!), parameters: { ...record.manifest.createParameters } };
    },
    async watch(known, rp) {
      for (;;) {
        const current = activeFor(rp);
        if (current.size !== known.size || [...current].some((p) => !known.has(p))) return current;
        await changed.promise;
      }
    },
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
