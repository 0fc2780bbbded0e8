/**
 * From `--isolation=a,b,c` to the isolators, in that order: built-in ones by name, plugins by the
 * name `--isolator_plugins` gives them (a plugin named like a built-in one takes its place: that is
 * how a built-in plugin isolator runs out of process). An unknown name stops the agent, listing
 * what exists.
 */
import { join } from "node:path";
import { type Clock, type Logger, errorMessage, invalid, MesosError } from "@mesos/core";
import type { Isolator, IsolatorPlugin } from "@mesos/plugin-api";
import { seccompPlugin } from "@mesos/plugin-linux-seccomp/isolator";
import { networkPortsPlugin } from "@mesos/plugin-network-ports";
import type { AgentFlags } from "../../flags.ts";
import { type CgroupsHost, createCgroupsHost, createCpuIsolator, createMemIsolator } from "@mesos/plugin-cgroups";
import { createPosixCpuIsolator, createPosixMemIsolator } from "@mesos/plugin-posix";
import { createDockerRuntimeIsolator } from "@mesos/plugin-docker-runtime";
import { filesystemLinuxPlugin } from "@mesos/plugin-filesystem-linux";
import { hostPathPlugin, sandboxPathPlugin, secretPlugin } from "@mesos/plugin-volume";
import { connectPlugins, parsePluginSpecs } from "./plugins.ts";

export interface IsolatorDeps {
  flags: AgentFlags;
  log: Logger;
  clock: Clock;
  launcher: "linux" | "posix";
  /** The host's cgroups, detected on first use. */
  cgroups(): CgroupsHost;
}

export type IsolatorFactory = (deps: IsolatorDeps) => Isolator | Promise<Isolator>;

/** Built-in isolators that run here or, served by `mesos isolator serve NAME`, out of process. */
export const BUILTIN_ISOLATOR_PLUGINS: readonly IsolatorPlugin[] = [
  seccompPlugin,
  networkPortsPlugin,
  filesystemLinuxPlugin,
  hostPathPlugin,
  sandboxPathPlugin,
  secretPlugin,
];

const BUILTIN_ISOLATORS: Record<string, IsolatorFactory> = {
  "cgroups/cpu": (d) => createCpuIsolator({ host: d.cgroups(), enableCfs: d.flags.cgroups_enable_cfs }),
  "cgroups/mem": (d) => createMemIsolator({ host: d.cgroups(), limitSwap: d.flags.cgroups_limit_swap }),
  "docker/runtime": () => createDockerRuntimeIsolator(),
  "posix/cpu": () => createPosixCpuIsolator(),
  "posix/mem": () => createPosixMemIsolator(),
  ...Object.fromEntries(
    BUILTIN_ISOLATOR_PLUGINS.map((p): [string, IsolatorFactory] => [
      p.name,
      (d) => p.create(d.flags, { log: d.log, clock: d.clock, agent: { launcher: d.launcher, isolation: isolationNames(d.flags.isolation) } }),
    ]),
  ),
};

interface CreatedIsolators {
  isolators: Isolator[];
  stop(): void;
}

export function isolationNames(flag: string): string[] {
  return flag
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function createIsolators(options: {
  flags: AgentFlags;
  log: Logger;
  clock: Clock;
  launcher: "linux" | "posix";
  workDir: string;
  /** More built-ins (embedders, tests). */
  extra?: Record<string, IsolatorFactory>;
}): Promise<CreatedIsolators> {
  const names = isolationNames(options.flags.isolation);
  const builtins = { ...BUILTIN_ISOLATORS, ...options.extra };
  const specs = parsePluginSpecs(options.flags.isolator_plugins);
  const pluginNames = new Set(specs.map((s) => s.name));
  for (const name of names) {
    if (!builtins[name] && !pluginNames.has(name)) {
      throw invalid(
        `Unknown isolator '${name}' in --isolation: the built-in isolators are ${Object.keys(builtins).sort().join(", ")}` +
          (pluginNames.size > 0 ? `; the plugins are ${[...pluginNames].join(", ")}` : "; no --isolator_plugins are configured"),
      );
    }
  }
  warnUnusedPluginFlags(options.flags, names, options.log);
  let host: CgroupsHost | undefined;
  const deps: IsolatorDeps = {
    flags: options.flags,
    log: options.log,
    clock: options.clock,
    launcher: options.launcher,
    cgroups: () =>
      (host ??= createCgroupsHost({
        hierarchy: options.flags.cgroups_hierarchy,
        root: options.flags.cgroups_root,
        version: options.flags.cgroups_version,
      })),
  };
  const plugins = await connectPlugins(specs, names, {
    defaultTimeoutMs: options.flags.isolator_plugin_timeout,
    logDir: join(options.workDir, "isolator-plugins"),
    log: options.log,
  });
  const isolators: Isolator[] = [];
  try {
    for (const name of names) {
      const remote = plugins.isolators.get(name);
      if (remote) {
        isolators.push(remote);
        continue;
      }
      try {
        isolators.push(await builtins[name]!(deps));
      } catch (e) {
        throw new MesosError(e instanceof MesosError ? e.kind : "failed_precondition", `Cannot use isolator '${name}': ${errorMessage(e)}`, {
          cause: e,
        });
      }
    }
  } catch (e) {
    plugins.stop();
    throw e;
  }
  return { isolators, stop: plugins.stop };
}

function warnUnusedPluginFlags(flags: AgentFlags, names: readonly string[], log: Logger): void {
  for (const plugin of BUILTIN_ISOLATOR_PLUGINS) {
    if (names.includes(plugin.name)) continue;
    const given = Object.entries(plugin.flags)
      .filter(([name, spec]) => (flags as Record<string, unknown>)[name] !== spec.default)
      .map(([name]) => `'--${name}'`);
    if (given.length === 0) continue;
    const [noun, verb] = given.length === 1 ? ["Flag", "has"] : ["Flags", "have"];
    log.warn(`${noun} ${given.join(", ")} ${verb} no effect: '${plugin.name}' is not in --isolation`);
  }
}
