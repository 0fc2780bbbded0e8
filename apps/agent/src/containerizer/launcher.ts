/**
 * Launchers start a container's init (the launch helper) and kill everything of a container.
 *
 * linux: the init is born in a new PID namespace (it is the container's PID 1) or, for a nested
 *   container, in its parent's: the agent's JS thread unshares (or joins) the PID namespace for
 *   its next child around one Bun.spawn (@mesos/linux spawnInPidNamespace). Nothing else needs
 *   changing in the agent; the init builds its own mount namespace. Killing PID 1 kills the whole
 *   namespace, so destroying a container is one SIGKILL.
 * posix: plain processes; destroying kills the init, the task's process group and the init's
 *   other children (it is a subreaper). Used when the agent is not root.
 */
import { readFileSync } from "node:fs";
import type { Subprocess } from "bun";
import { spawnInPidNamespace } from "@mesos/linux";
import { launchHelperArgs, prestartedHelperArgs } from "../launch-protocol/handshake.ts";
import type { LaunchInfo } from "../launch-protocol/launch-info.ts";

export type InitProcess = Subprocess<"pipe", "pipe", number>;

export interface Launcher {
  readonly kind: "linux" | "posix";
  /** Starts the init, in a new PID namespace or (nested) in the one of process `joinPid`. */
  fork(target: { joinPid?: number }, launchInfoPath: string, stderr: number): InitProcess;
  /** Starts an init for a root container not known yet (in a new PID namespace); it learns which from its first line. */
  prestart(): InitProcess;
  /** SIGKILLs the container's processes (the caller waits for the init to be gone). */
  destroy(initPid: number, info: Pick<LaunchInfo, "launcher" | "join">): void;
}

export function createLauncher(kind: "linux" | "posix", helperCommand: readonly string[]): Launcher {
  const spawn = (args: string[], stderr: number | "ignore") => () =>
    Bun.spawn([...helperCommand, ...args], {
      stdio: ["pipe", "pipe", stderr],
      detached: true,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    }) as InitProcess;

  return {
    kind,
    fork(target, path, stderr) {
      const start = spawn(launchHelperArgs(path), stderr);
      if (kind === "posix") return start();
      return spawnInPidNamespace(target.joinPid ? { joinPid: target.joinPid } : { new: true }, start);
    },
    prestart() {
      // No container yet to log to: the helper points its stderr at the container's log once it has one.
      const start = spawn(prestartedHelperArgs(), "ignore");
      return kind === "posix" ? start() : spawnInPidNamespace({ new: true }, start);
    },
    destroy(initPid, info) {
      if (info.launcher === "linux" && !info.join) {
        kill(initPid, "SIGKILL");
        return;
      }
      // Not a PID 1: its children (the task, orphans it adopted) and their process groups first.
      for (const child of childrenOf(initPid)) {
        kill(-child, "SIGKILL");
        kill(child, "SIGKILL");
      }
      kill(initPid, "SIGKILL");
    },
  };
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {}
}
