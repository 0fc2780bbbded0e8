/**
 * The `linux/seccomp` isolator (Mesos 1.8). It describes, the launch helper applies: `prepare`
 * compiles the container's profile to a BPF program and returns it as the launch description's
 * `seccomp_filter`, which the helper installs on the task's thread right before execve.
 *
 * Start-up (the factory throws, which stops the agent): `--seccomp_config_dir` must be given and be
 * a directory, the agent must be root, the kernel must run seccomp filters, and the default profile
 * (`--seccomp_profile_name`, optional) must load and compile. The default is read once, at start-up;
 * a profile a container names is read at each launch (an edited file applies to the next launch),
 * and compiled filters are cached by content and target (filter-cache.ts).
 *
 * Which profile: seccomp-choice.ts (the container's own SeccompInfo, else the default; nested and
 * DEBUG containers alike). Compiled for which capabilities (the profile's `includes.caps` /
 * `excludes.caps`): those the task has after execve. A task running as root (the agent's user, or
 * a user whose uid is 0) keeps the agent's whole bounding set; a task switched to another user has
 * none, since Linux clears a non-root process's capabilities at execve (no file or ambient
 * capabilities are ever given). A setuid-root program such a task runs would gain capabilities in
 * the kernel's eyes, but its filter was compiled without them: the conservative direction.
 */
import { type Logger, errorMessage, failedPrecondition, invalid, MesosError, notFound } from "@mesos/core";
import type { ContainerConfig, Isolator, LaunchInfoInit } from "@mesos/plugin-api";
import { containerIdString } from "@mesos/plugin-api";
import type { CompiledFilter } from "../compiler/compile.ts";
import type { CompileTarget } from "../compiler/target.ts";
import type { NativeArch } from "../syscalls/abis.ts";
import { type FilterCache, createFilterCache } from "./filter-cache.ts";
import { profilePath } from "./profile-paths.ts";
import { seccompChoice } from "./seccomp-choice.ts";
import type { SeccompHost } from "./seccomp-host.ts";

export const SECCOMP_ISOLATOR = "linux/seccomp";

export interface SeccompIsolatorOptions {
  /** `--seccomp_config_dir`: where profiles are; required. */
  configDir?: string;
  /** `--seccomp_profile_name`: the default profile, relative to the config dir; unset = no default. */
  defaultProfile?: string;
  log: Logger;
  host: SeccompHost;
  /** How many compiled filters to keep (default 64). */
  cacheEntries?: number;
}

export interface SeccompIsolator extends Isolator {
  readonly cache: FilterCache;
  /** The default profile compiled for a root task, if there is a default. */
  readonly defaultFilter?: CompiledFilter;
}

export function createSeccompIsolator(options: SeccompIsolatorOptions): SeccompIsolator {
  const { configDir, defaultProfile, log, host } = options;
  if (!configDir) throw invalid("Flag '--seccomp_config_dir' is required: it is the directory seccomp profiles are read from");
  if (!host.isRoot()) {
    throw failedPrecondition(
      "the agent must run as root: installing a seccomp filter without no_new_privs (which Mesos does not set) needs CAP_SYS_ADMIN",
    );
  }
  const unsupported = host.unsupportedReason();
  if (unsupported) throw failedPrecondition(`the kernel cannot run seccomp filters: ${unsupported}`);
  const arch: NativeArch | undefined = host.arch();
  if (!arch) throw failedPrecondition(`there are no system call tables for this architecture (${process.arch}); x86_64 and aarch64 are supported`);
  if (!host.isDirectory(configDir)) throw invalid(`Flag '--seccomp_config_dir': '${configDir}' is not a directory`);

  const kernel = host.kernel();
  const rootCapabilities = host.boundingSet();
  if (!rootCapabilities.includes("CAP_SYS_ADMIN")) {
    throw failedPrecondition("the agent has no CAP_SYS_ADMIN (not in its capability bounding set), which installing seccomp filters needs");
  }
  const cache = createFilterCache({
    maxEntries: options.cacheEntries,
    onWarnings: (source, warnings) => {
      for (const w of warnings) log.warn(`Seccomp profile '${source}': ${w}`);
    },
  });
  const targetFor = (capabilities: string[]): CompileTarget => ({ arch, kernel, capabilities });

  const read = (name: string): string => {
    const path = profilePath(configDir, name);
    try {
      return host.readFile(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") throw notFound(`Seccomp profile '${name}' not found in --seccomp_config_dir (${configDir})`, e);
      throw invalid(`Cannot read seccomp profile '${name}': ${errorMessage(e)}`, e);
    }
  };

  // The default profile: loaded and compiled now (for a root task and for a non-root one), so a
  // broken default stops the agent instead of failing every launch.
  let defaultText: string | undefined;
  let defaultFilter: CompiledFilter | undefined;
  if (defaultProfile !== undefined) {
    try {
      defaultText = read(defaultProfile);
      defaultFilter = cache.compile(defaultProfile, defaultText, targetFor(rootCapabilities));
      cache.compile(defaultProfile, defaultText, targetFor([]));
    } catch (e) {
      const kind = e instanceof MesosError ? e.kind : "invalid";
      throw new MesosError(kind, `Flag '--seccomp_profile_name': cannot use the default profile: ${errorMessage(e)}`, { cause: e });
    }
    log.info(
      `Seccomp default profile '${defaultProfile}': ${defaultFilter.instructions} BPF instructions, worst-case path ${defaultFilter.worstCasePath}`,
    );
  }

  /** The capabilities the container's task has after execve (see the file's comment). */
  const capabilitiesOf = (config: ContainerConfig): string[] => {
    if (!config.user) return rootCapabilities; // the agent's own user: root
    return host.uidOf(config.user) === 0 ? rootCapabilities : [];
  };

  return {
    name: SECCOMP_ISOLATOR,
    supportsNesting: true,
    cache,
    defaultFilter,

    async prepare(config: ContainerConfig): Promise<LaunchInfoInit | undefined> {
      const id = containerIdString(config.containerId!);
      const choice = seccompChoice(config.containerInfo);
      let name: string;
      let text: string;
      if (choice.kind === "unconfined") {
        log.debug(`Container ${id} runs unconfined by seccomp (SeccompInfo.unconfined)`);
        return undefined;
      }
      if (choice.kind === "default") {
        if (defaultProfile === undefined || defaultText === undefined) return undefined;
        name = defaultProfile;
        text = defaultText;
      } else {
        name = choice.name;
        text = read(name);
      }
      const filter = cache.compile(name, text, targetFor(capabilitiesOf(config)));
      log.debug(`Container ${id} gets seccomp profile '${name}' (${filter.instructions} BPF instructions)`);
      return { seccompFilter: filter.bytes };
    },
  };
}
