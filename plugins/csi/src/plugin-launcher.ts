/**
 * How the service manager runs plugin containers. The agent implements this with its standalone
 * containers (LAUNCH_CONTAINER / WAIT_CONTAINER / KILL_CONTAINER, as Mesos's ContainerDaemon uses
 * them); `createProcessLauncher` runs the commands as plain host processes, for using the volume
 * manager outside an agent and for tests.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CommandInfo, ContainerInfo, Resource } from "@mesos/proto";
import type { Subprocess } from "bun";

export interface PluginContainerSpec {
  containerId: string;
  command?: CommandInfo;
  resources: Resource[];
  container?: ContainerInfo;
  /** Added to the command's environment: `CSI_ENDPOINT`. */
  env: Record<string, string>;
  /** Host directories the plugin must see at the same path; `shared` ones need bidirectional mount propagation. */
  volumes: { path: string; shared: boolean }[];
}

export interface PluginContainerLauncher {
  /** Starts the container; a container with this id that is still running is kept as it is. */
  launch(spec: PluginContainerSpec): Promise<void>;
  /** Resolves when the container has ended, with how (`exited with status 1`, `was killed by SIGKILL`). */
  wait(containerId: string): Promise<string>;
  kill(containerId: string): Promise<void>;
  /** The running containers whose ids start with `prefix`. */
  running(prefix: string): Promise<string[]>;
}

/** The argv a CommandInfo stands for: `sh -c value` for a shell command, else `value arguments[1..]`. */
function commandArgv(command: CommandInfo | undefined): string[] {
  if (!command?.value) throw new Error("The plugin container has no command");
  if (command.shell ?? true) return ["/bin/sh", "-c", command.value];
  return [command.value, ...command.arguments.slice(1)];
}

function describeExit(proc: Subprocess): string {
  return proc.signalCode ? `was killed by ${proc.signalCode}` : `exited with status ${proc.exitCode}`;
}

/** Plugin commands as host processes (no isolation); their output goes to `<sandboxRoot>/<id>/stdout|stderr`. */
export function createProcessLauncher(options: { sandboxRoot: string }): PluginContainerLauncher {
  const procs = new Map<string, Subprocess>();
  return {
    async launch(spec) {
      const existing = procs.get(spec.containerId);
      if (existing && existing.exitCode === null && existing.signalCode === null) return;
      const sandbox = join(options.sandboxRoot, spec.containerId);
      mkdirSync(sandbox, { recursive: true });
      const env: Record<string, string> = { ...(process.env as Record<string, string>) };
      for (const v of spec.command?.environment?.variables ?? []) env[v.name] = v.value ?? "";
      Object.assign(env, spec.env);
      // Its own process group: killing the container kills what the shell started too.
      const proc = Bun.spawn(commandArgv(spec.command), { cwd: sandbox, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
      const copy = (stream: ReadableStream<Uint8Array>, file: string) => {
        const out = createWriteStream(join(sandbox, file), { flags: "a" });
        void stream.pipeTo(new WritableStream({ write: (chunk) => void out.write(chunk), close: () => void out.end() })).catch(() => out.end());
      };
      copy(proc.stdout, "stdout");
      copy(proc.stderr, "stderr");
      procs.set(spec.containerId, proc);
    },
    async wait(containerId) {
      const proc = procs.get(containerId);
      if (!proc) return "is not running";
      await proc.exited;
      return describeExit(proc);
    },
    async kill(containerId) {
      const proc = procs.get(containerId);
      if (!proc) return;
      try {
        process.kill(-proc.pid, "SIGKILL");
      } catch {}
      proc.kill("SIGKILL");
      await proc.exited;
    },
    async running(prefix) {
      return [...procs].filter(([id, p]) => id.startsWith(prefix) && p.exitCode === null && p.signalCode === null).map(([id]) => id);
    },
  };
}
