/**
 * `example/sandbox`: the template isolator for plugin authors. It does a little at every step of
 * the life cycle, so each is shown working:
 *
 * - prepare: adds EXAMPLE_ISOLATOR and EXAMPLE_CONTAINER_ID to the task's environment (isolators
 *   describe; the agent's launch helper applies);
 * - isolate: remembers the container's init pid;
 * - watch: every `pollMs`, measures the sandbox; over `maxSandboxMb` it reports a limitation (the
 *   agent then destroys the container and fails its tasks with this reason and message);
 * - usage: the sandbox's size as disk_used_bytes (and the limit as disk_limit_bytes);
 * - recover / cleanup: adopts what the agent recovered, forgets what it cleans up.
 *
 * Each call is appended to a journal (one JSON line per call) when `journal` is set, which is
 * how the tests see the plugin take part in the life cycle.
 */
import { appendFileSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ContainerID } from "@mesos/proto";
import { TaskStatus_Reason } from "@mesos/proto";
import { containerIdString, type Isolator, type LimitationInit } from "@mesos/plugin-api";

export interface ExampleOptions {
  /** Over this many MB in the sandbox, the container is limited. Default: no limit. */
  maxSandboxMb?: number;
  pollMs?: number;
  /** Appends `{"step":..., "container":...}` lines here. */
  journal?: string;
}

interface Tracked {
  sandbox: string;
  pid?: number;
}

export function createExampleIsolator(options: ExampleOptions = {}): Isolator {
  const containers = new Map<string, Tracked>();
  const pollMs = options.pollMs ?? 1000;
  const limitBytes = options.maxSandboxMb === undefined ? undefined : options.maxSandboxMb * 1024 * 1024;
  const note = (step: string, id?: ContainerID, extra: Record<string, unknown> = {}) => {
    if (options.journal)
      appendFileSync(options.journal, `${JSON.stringify({ step, container: id ? containerIdString(id) : undefined, ...extra })}\n`);
  };
  const over = (key: string): LimitationInit | undefined => {
    const c = containers.get(key);
    if (!c || limitBytes === undefined) return undefined;
    const used = diskUsage(c.sandbox);
    if (used <= limitBytes) return undefined;
    return {
      reason: TaskStatus_Reason.CONTAINER_LIMITATION_DISK,
      message: `Sandbox uses ${(used / 1048576).toFixed(1)} MB, more than the ${options.maxSandboxMb} MB example/sandbox allows`,
      resources: [{ name: "disk", type: 0, role: "*", scalar: { value: Math.ceil(used / 1048576) } }],
    };
  };

  return {
    name: "example/sandbox",
    supportsNesting: false,

    async recover(states, orphans) {
      note("recover", undefined, { states: states.map((s) => containerIdString(s.containerId!)), orphans: orphans.map(containerIdString) });
      for (const s of states) containers.set(containerIdString(s.containerId!), { sandbox: s.config!.directory, pid: s.pid });
    },

    async prepare(config) {
      const id = config.containerId!;
      note("prepare", id);
      containers.set(containerIdString(id), { sandbox: config.directory });
      return {
        environment: {
          variables: [
            { name: "EXAMPLE_ISOLATOR", value: "example/sandbox" },
            { name: "EXAMPLE_CONTAINER_ID", value: containerIdString(id) },
          ],
        },
      };
    },

    async isolate(id, pid) {
      note("isolate", id, { pid });
      const c = containers.get(containerIdString(id));
      if (c) c.pid = pid;
    },

    watch(id, signal) {
      note("watch", id);
      const key = containerIdString(id);
      return new Promise((resolve) => {
        const timer = setInterval(() => {
          const limitation = over(key);
          if (limitation) finish(limitation);
        }, pollMs);
        const finish = (result: LimitationInit | undefined) => {
          clearInterval(timer);
          signal.removeEventListener("abort", onAbort);
          resolve(result);
        };
        const onAbort = () => finish(over(key));
        signal.addEventListener("abort", onAbort, { once: true });
      });
    },

    async usage(id) {
      const c = containers.get(containerIdString(id));
      if (!c) return undefined;
      return { diskUsedBytes: BigInt(diskUsage(c.sandbox)), diskLimitBytes: limitBytes === undefined ? undefined : BigInt(limitBytes) };
    },

    async cleanup(id) {
      note("cleanup", id);
      containers.delete(containerIdString(id));
    },
  };
}

/** Bytes of regular files under `dir` (like `du --apparent-size`), 0 if it is gone. */
export function diskUsage(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += diskUsage(path);
    else if (e.isFile()) {
      try {
        total += lstatSync(path).size;
      } catch {}
    }
  }
  return total;
}
