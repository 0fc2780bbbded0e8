/**
 * Which master the CLI talks to: `--master`, else `$MESOS_MASTER`, else the CLI config file
 * (`$MESOS_CLI_CONFIG`, else `~/.mesos/config.toml`, the file Mesos's CLI reads:
 * `[master] address = "host:port"`), else 127.0.0.1:5050. A config file named by
 * `$MESOS_CLI_CONFIG` must exist; the default one may be absent.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { invalid, unimplemented } from "@mesos/core";

export const DEFAULT_MASTER = "127.0.0.1:5050";

export interface MasterSources {
  flag?: string;
  env?: Record<string, string | undefined>;
  home?: string;
}

function configPath(env: Record<string, string | undefined>, home: string): { path: string; explicit: boolean } {
  const named = env.MESOS_CLI_CONFIG;
  return named ? { path: named, explicit: true } : { path: join(home, ".mesos", "config.toml"), explicit: false };
}

export function resolveMasterAddress(sources: MasterSources = {}): string {
  const env = sources.env ?? process.env;
  if (sources.flag) return checkAddress(sources.flag, "--master");
  if (env.MESOS_MASTER) return checkAddress(env.MESOS_MASTER, "MESOS_MASTER");
  const { path, explicit } = configPath(env, sources.home ?? homedir());
  if (!existsSync(path)) {
    if (explicit) throw invalid(`The CLI config file '${path}' (from MESOS_CLI_CONFIG) does not exist`);
    return DEFAULT_MASTER;
  }
  return masterFromConfig(readFileSync(path, "utf8"), path) ?? DEFAULT_MASTER;
}

/** The `[master]` table's address, with Mesos's CLI's checks; undefined if the file has no `[master]`. */
export function masterFromConfig(text: string, path: string): string | undefined {
  let data: Record<string, unknown>;
  try {
    data = Bun.TOML.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw invalid(`Error loading config file '${path}' as TOML: ${(e as Error).message}`);
  }
  const master = data.master;
  if (master === undefined) return undefined;
  if (typeof master !== "object" || master === null || Array.isArray(master)) throw invalid(`${path}: the 'master' field must be a table`);
  const m = master as Record<string, unknown>;
  if (m.address !== undefined && m.zookeeper !== undefined) {
    throw invalid(`${path}: the 'master' field should only contain an 'address' field or a 'zookeeper' table but not both`);
  }
  if (m.zookeeper !== undefined) throw unimplemented(`${path}: finding the master through ZooKeeper is not supported; set [master] address`);
  if (typeof m.address !== "string") throw invalid(`${path}: the 'master' field must contain an 'address' string`);
  return checkAddress(m.address, `${path}: the 'master' address`);
}

/** `host:port` or an http(s) URL; an IP address needs a port (as Mesos's CLI insists). */
function checkAddress(address: string, source: string): string {
  const trimmed = address.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    throw invalid(`${source} '${address}' is not a valid address (expected HOST:PORT)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw invalid(`${source} '${address}' has an unsupported scheme '${url.protocol.slice(0, -1)}'`);
  if (!url.hostname) throw invalid(`${source} '${address}' has no host name`);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(url.hostname) && !url.port) throw invalid(`${source} '${address}' is an IP address without a port`);
  return trimmed;
}
