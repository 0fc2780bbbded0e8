/**
 * Isolator plugins named in `--isolator_plugins`: `name=unix:///path.sock,...`, or a directory of
 * JSON files, one plugin each:
 *
 *   { "name": "example/env", "endpoint": "unix:///run/mesos/example.sock",
 *     "command": ["/usr/local/bin/example-isolator", "--socket=/run/mesos/example.sock"],
 *     "env": {"LOG": "debug"}, "timeout": "5secs" }
 *
 * With a `command`, the agent starts the plugin if nothing answers on the socket yet, and waits
 * for it (up to the timeout) before it gives up with a clear error.
 */
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { type Logger, errorMessage, formatDuration, invalid, parseDuration, unavailable } from "@mesos/core";
import { connectIsolator, socketPath, type RemoteIsolator } from "@mesos/plugin-api";

interface PluginSpec {
  name: string;
  endpoint: string;
  command?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
  supportsNesting?: boolean;
}

export function parsePluginSpecs(flag: string | undefined): PluginSpec[] {
  if (!flag || flag.trim() === "") return [];
  const value = flag.trim();
  if (value.startsWith("[")) return (JSON.parse(value) as unknown[]).map((v, i) => checkSpec(v, `--isolator_plugins entry ${i}`));
  if (!value.includes("=") && existsSync(value) && statSync(value).isDirectory()) {
    return readdirSync(value)
      .filter((f) => f.endsWith(".json") && statSync(join(value, f)).isFile())
      .sort()
      .map((f) => {
        const path = join(value, f);
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(path, "utf8"));
        } catch (e) {
          throw invalid(`Isolator plugin file ${path} is not valid JSON: ${errorMessage(e)}`);
        }
        return checkSpec(parsed, path);
      });
  }
  return value.split(",").map((entry) => {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw invalid(`--isolator_plugins entry '${entry}' is not name=unix:///path.sock (nor a directory)`);
    return checkSpec({ name: entry.slice(0, eq).trim(), endpoint: entry.slice(eq + 1).trim() }, `--isolator_plugins entry '${entry}'`);
  });
}

function checkSpec(v: unknown, where: string): PluginSpec {
  const o = v as Record<string, unknown>;
  if (!o || typeof o !== "object") throw invalid(`${where}: expected an object`);
  if (typeof o.name !== "string" || !o.name) throw invalid(`${where}: 'name' is missing`);
  if (typeof o.endpoint !== "string" || !/^unix:\/\/\//.test(o.endpoint)) {
    throw invalid(`${where}: 'endpoint' must be unix:///absolute/path.sock, got '${String(o.endpoint)}'`);
  }
  if (o.command !== undefined && (!Array.isArray(o.command) || o.command.some((c) => typeof c !== "string"))) {
    throw invalid(`${where}: 'command' must be an array of strings`);
  }
  return {
    name: o.name,
    endpoint: o.endpoint,
    command: o.command as string[] | undefined,
    env: o.env as Record<string, string> | undefined,
    timeoutMs: typeof o.timeout === "string" ? parseDuration(o.timeout) : typeof o.timeout === "number" ? o.timeout : undefined,
    supportsNesting: typeof o.supportsNesting === "boolean" ? o.supportsNesting : undefined,
  };
}

interface StartedPlugins {
  isolators: Map<string, RemoteIsolator>;
  /** Stops the plugin processes this agent started. */
  stop(): void;
}

/** Connects to the plugins `names` needs, starting the ones with a command that are not up. */
export async function connectPlugins(
  specs: PluginSpec[],
  names: readonly string[],
  options: { defaultTimeoutMs: number; logDir: string; log: Logger },
): Promise<StartedPlugins> {
  const isolators = new Map<string, RemoteIsolator>();
  const processes: Subprocess[] = [];
  const stop = () => {
    for (const p of processes) p.kill("SIGTERM");
  };
  try {
    for (const spec of specs) {
      if (!names.includes(spec.name)) continue;
      const timeoutMs = spec.timeoutMs ?? options.defaultTimeoutMs;
      const connect = () => connectIsolator({ name: spec.name, endpoint: spec.endpoint, timeoutMs, supportsNesting: spec.supportsNesting });
      let isolator: RemoteIsolator;
      if (!spec.command) {
        isolator = await connect();
      } else {
        isolator = await connect().catch(async (first) => {
          // Start it only if nothing listens; a plugin that is up but slow or wrong is an error.
          if (!/is not reachable/.test(errorMessage(first))) throw first;
          mkdirSync(options.logDir, { recursive: true });
          const logFile = openSync(join(options.logDir, `${spec.name.replace(/\//g, "_")}.log`), "a");
          options.log.info(`Starting isolator plugin '${spec.name}': ${spec.command!.join(" ")}`);
          const proc = Bun.spawn(spec.command!, { stdio: ["ignore", logFile, logFile], env: { ...process.env, ...spec.env } });
          closeSync(logFile);
          processes.push(proc);
          return waitForPlugin(spec, proc, connect, timeoutMs);
        });
      }
      options.log.info(
        `Isolator plugin '${spec.name}' at ${spec.endpoint} speaks ${isolator.apiVersion} (${isolator.pluginInfo.vendorVersion || "no version"})`,
      );
      isolators.set(spec.name, isolator);
    }
  } catch (e) {
    stop();
    throw e;
  }
  return { isolators, stop };
}

async function waitForPlugin(spec: PluginSpec, proc: Subprocess, connect: () => Promise<RemoteIsolator>, timeoutMs: number): Promise<RemoteIsolator> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw unavailable(`Isolator plugin '${spec.name}' exited (${proc.exitCode ?? proc.signalCode}) before it served ${spec.endpoint}`);
    }
    if (existsSync(socketPath(spec.endpoint))) {
      try {
        return await connect();
      } catch (e) {
        last = e;
        if ((e as { kind?: string }).kind !== "unavailable") throw e;
      }
    }
    await Bun.sleep(20);
  }
  proc.kill("SIGKILL");
  throw unavailable(
    `Isolator plugin '${spec.name}' did not serve ${spec.endpoint} within ${formatDuration(timeoutMs)}${last ? `: ${errorMessage(last)}` : ""}`,
  );
}
