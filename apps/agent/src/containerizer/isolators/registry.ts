/**
 * From `--isolation=a,b,c` to the isolators, in that order: built-in ones by name, plugins by the
 * name `--isolator_plugins` gives them. An unknown name stops the agent, listing what exists.
 */
import { join } from "node:path";
import { type Clock, type Logger, errorMessage, invalid, MesosError } from "@mesos/core";
import type { Isolator } from "@mesos/plugin-api";
import { createDiskXfsIsolator } from "@mesos/plugin-disk-xfs";
import { createSeccompIsolator, systemSeccompHost } from "@mesos/plugin-linux-seccomp/isolator";
import type { AgentFlags } from "../../flags.ts";
import { type CgroupsHost, createCgroupsHost, createCpuIsolator, createMemIsolator } from "@mesos/plugin-cgroups";
import { createPosixCpuIsolator, createPosixMemIsolator } from "@mesos/plugin-posix";
import { createDockerRuntimeIsolator } from "@mesos/plugin-docker-runtime";
import { createFilesystemLinuxIsolator } from "@mesos/plugin-filesystem-linux";
import { connectPlugins, parsePluginSpecs } from "./plugins.ts";
import { lookupUser } from "../../tasks/users.ts";

export interface IsolatorDeps {
  flags: AgentFlags;
  log: Logger;
  clock: Clock;
  workDir: string;
  /** Aborted when the agent stops: isolators with loops of their own end them. */
  signal: AbortSignal;
  /** The host's cgroups, detected on first use. */
  cgroups(): CgroupsHost;
}

export type IsolatorFactory = (deps: IsolatorDeps) => Isolator | Promise<Isolator>;

const BUILTIN_ISOLATORS: Record<string, IsolatorFactory> = {
  "cgroups/cpu": (d) => createCpuIsolator({ host: d.cgroups(), enableCfs: d.flags.cgroups_enable_cfs }),
  "cgroups/mem": (d) => createMemIsolator({ host: d.cgroups(), limitSwap: d.flags.cgroups_limit_swap }),
  "disk/xfs": (d) =>
    createDiskXfsIsolator({
      flags: d.flags,
      workDir: d.workDir,
      resources: d.flags.resources,
      defaultRole: d.flags.default_role,
      clock: d.clock,
      log: d.log,
      signal: d.signal,
    }),
  "docker/runtime": () => createDockerRuntimeIsolator(),
  "filesystem/linux": () => createFilesystemLinuxIsolator(),
  "linux/seccomp": (d) =>
    createSeccompIsolator({
      configDir: d.flags.seccomp_config_dir,
      defaultProfile: d.flags.seccomp_profile_name,
      log: d.log,
      host: systemSeccompHost((user) => lookupUser(user)?.uid),
    }),
  "posix/cpu": () => createPosixCpuIsolator(),
  "posix/mem": () => createPosixMemIsolator(),
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
  if (!names.includes("linux/seccomp") && (options.flags.seccomp_config_dir || options.flags.seccomp_profile_name)) {
    options.log.warn("Flags '--seccomp_config_dir' and '--seccomp_profile_name' have no effect: 'linux/seccomp' is not in --isolation");
  }
  let host: CgroupsHost | undefined;
  const stopping = new AbortController();
  const deps: IsolatorDeps = {
    flags: options.flags,
    log: options.log,
    clock: options.clock,
    workDir: options.workDir,
    signal: stopping.signal,
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
    stopping.abort();
    plugins.stop();
    throw e;
  }
  return {
    isolators,
    stop: () => {
      stopping.abort();
      plugins.stop();
    },
  };
}
