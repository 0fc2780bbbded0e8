/**
 * Registry credentials from a Docker config (`~/.docker/config.json` with `auths`, or the older
 * `~/.dockercfg` without): `--docker_config` and an image's own `docker.config` secret. Credentials
 * match a registry as Mesos and Docker match them: by host[:port] after dropping a URL's scheme and
 * path, and every `docker.io` spelling matches Docker Hub.
 */
import { existsSync, readFileSync } from "node:fs";
import { invalid } from "@mesos/core";
import { isObject } from "./image-config.ts";

export interface Credentials {
  username: string;
  password: string;
}

/** Registry key as written in the config (e.g. `https://index.docker.io/v1/`) -> credentials. */
export type DockerAuths = Map<string, Credentials>;

/** Parses a Docker config's text; the error says what is malformed. */
export function parseDockerConfig(text: string, what = "docker config"): DockerAuths {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalid(`Failed to parse ${what}: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw invalid(`Failed to parse ${what}: not a JSON object`);
  let entries: Record<string, unknown> = json;
  if (json.auths !== undefined) {
    if (!isObject(json.auths)) throw invalid(`Failed to parse ${what}: 'auths' must be an object`);
    entries = json.auths;
  } else if (Object.keys(json).some((k) => ["credsStore", "credHelpers", "HttpHeaders", "psFormat", "currentContext"].includes(k))) {
    // A config.json without `auths`: no stored credentials.
    entries = {};
  }
  const auths: DockerAuths = new Map();
  for (const [registry, value] of Object.entries(entries)) {
    if (!isObject(value)) throw invalid(`Failed to parse ${what}: the entry for '${registry}' is not an object`);
    const creds = credentialsOf(value, `${what}, entry '${registry}'`);
    if (creds) auths.set(registry, creds);
  }
  return auths;
}

function credentialsOf(entry: Record<string, unknown>, what: string): Credentials | undefined {
  if (typeof entry.auth === "string" && entry.auth.length > 0) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw invalid(`Failed to parse ${what}: 'auth' is not base64 of USER:PASSWORD`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === "string" && typeof entry.password === "string") {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/**
 * The `--docker_config` flag: JSON text, or a path to a file holding it. The error (for a start-up
 * message naming the flag) says which it looked like and what is wrong with it.
 */
export function loadDockerConfigFlag(value: string): DockerAuths {
  const trimmed = value.trim();
  if (trimmed.startsWith("{")) return parseDockerConfig(trimmed, "the JSON");
  if (!existsSync(trimmed)) throw invalid(`'${trimmed}' is neither JSON nor an existing file`);
  let text: string;
  try {
    text = readFileSync(trimmed, "utf8");
  } catch (e) {
    throw invalid(`Failed to read '${trimmed}': ${(e as Error).message}`);
  }
  return parseDockerConfig(text, `the file '${trimmed}'`);
}

/** host[:port] of a config key: `https://index.docker.io/v1/` -> `index.docker.io`. */
export function authKeyHost(key: string): string {
  return key.replace(/^https?:\/\//, "").split("/")[0]!;
}

/** The credentials for `registry` (host[:port]) from the first config that has some. */
export function credentialsFor(registry: string, ...configs: (DockerAuths | undefined)[]): Credentials | undefined {
  const hub = registry.includes("docker.io");
  for (const auths of configs) {
    if (!auths) continue;
    for (const [key, creds] of auths) {
      const host = authKeyHost(key);
      if (host === registry || (hub && host.includes("docker.io"))) return creds;
    }
  }
  return undefined;
}

export function basicAuthorization(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
}
