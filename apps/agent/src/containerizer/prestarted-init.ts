/**
 * One launch helper started ahead of the next root container (`mesos __launch --prestarted`), so
 * that a launch does not wait for a Bun process to boot (about 8 ms of CPU, most of a launch's
 * latency): the containerizer takes it when a root container launches and starts the next one
 * once that launch is over, so the boot overlaps the container's run instead of its launch. The
 * first launch starts its helper itself, so an agent that runs no containers keeps none waiting.
 * A waiting helper holds nothing of a container (its PID namespace is empty, its mount namespace
 * is made after `go`); it exits at EOF on its stdin, i.e. when the agent stops or dies.
 */
import type { Logger } from "@mesos/core";
import { errorMessage } from "@mesos/core";
import type { InitProcess, Launcher } from "./launcher.ts";

export interface PrestartedInit {
  /** The waiting helper, if one is alive; the caller owns it from here. */
  take(): InitProcess | undefined;
  /** Starts a helper to wait for the next launch, unless one waits already. */
  refill(): void;
  /** Kills the waiting helper; no more are started. */
  stop(): void;
}

export function createPrestartedInit(launcher: Launcher, log: Logger): PrestartedInit {
  let waiting: InitProcess | undefined;
  let stopped = false;
  const alive = (p: InitProcess) => p.exitCode === null && p.signalCode === null && !p.killed;

  return {
    take() {
      const p = waiting;
      waiting = undefined;
      if (!p || !alive(p)) return undefined;
      p.ref();
      return p;
    },
    refill() {
      if (waiting || stopped) return;
      let p: InitProcess;
      try {
        p = launcher.prestart();
      } catch (e) {
        log.warn(`Failed to start a launch helper ahead of the next container: ${errorMessage(e)}`);
        return;
      }
      // A waiting helper must not keep the agent's process alive.
      p.unref();
      waiting = p;
      p.exited.then(() => {
        if (waiting === p) waiting = undefined;
      });
    },
    stop() {
      stopped = true;
      const p = waiting;
      waiting = undefined;
      p?.kill("SIGKILL");
    },
  };
}
