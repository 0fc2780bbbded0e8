/**
 * The image configuration (Docker's `container.image.v1` and OCI's `image.config.v1`, which agree on
 * the fields we use): the platform it was built for, the runtime defaults (Entrypoint, Cmd, Env,
 * WorkingDir, User) and the digests of the uncompressed layers.
 */
import { invalid } from "@mesos/core";

export interface RuntimeDefaults {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  config: RuntimeDefaults;
  /** The uncompressed layers' digests, base first (absent in schema 1 images). */
  diffIds?: string[];
}

/** Parses a config blob; `what` names it in errors. */
export function parseImageConfig(bytes: Uint8Array | string, what: string): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes));
  } catch (e) {
    throw invalid(`${what} is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw invalid(`${what} is not a JSON object`);
  const rootfs = json.rootfs;
  let diffIds: string[] | undefined;
  if (isObject(rootfs) && rootfs.diff_ids !== undefined) {
    if (!isStringArray(rootfs.diff_ids)) throw invalid(`${what}: rootfs.diff_ids must be a list of digests`);
    diffIds = rootfs.diff_ids;
  }
  return {
    architecture: optionalString(json.architecture),
    os: optionalString(json.os),
    variant: optionalString(json.variant),
    config: runtimeDefaults(json.config, what),
    diffIds,
  };
}

/** The `config` object of an image config or of a schema 1 `v1Compatibility` entry. */
export function runtimeDefaults(value: unknown, what: string): RuntimeDefaults {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalid(`${what}: config must be an object`);
  const list = (name: string): string[] | undefined => {
    const v = value[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return [v];
    if (!isStringArray(v)) throw invalid(`${what}: config.${name} must be a list of strings`);
    return v;
  };
  const text = (name: string): string | undefined => {
    const v = value[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw invalid(`${what}: config.${name} must be a string`);
    return v;
  };
  return { Entrypoint: list("Entrypoint"), Cmd: list("Cmd"), Env: list("Env"), WorkingDir: text("WorkingDir"), User: text("User") };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function optionalString(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}
