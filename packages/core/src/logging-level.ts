/**
 * GET_LOGGING_LEVEL / SET_LOGGING_LEVEL (master and agent), as libprocess's Logging process does
 * it: the verbosity is set at once and, if it differs from the one the process started with, put
 * back after the given duration (the latest call's duration wins).
 */
import type { Clock, TimerHandle } from "./clock.ts";
import type { Logger } from "./log.ts";

export interface LoggingLevel {
  level(): number;
  /** The level the process started with (what a raised level reverts to). */
  original(): number;
  set(level: number, durationMs: number): void;
}

export function createLoggingLevel(deps: { log: Logger; clock: Clock }): LoggingLevel {
  const original = deps.log.verbosity();
  let current = original;
  let revert: TimerHandle | undefined;
  const apply = (level: number) => {
    current = level;
    deps.log.setVerbosity(level);
  };
  return {
    level: () => current,
    original: () => original,
    set(level, durationMs) {
      apply(level);
      revert?.cancel();
      revert = undefined;
      if (level !== original) {
        revert = deps.clock.setTimeout(() => {
          revert = undefined;
          apply(original);
        }, durationMs);
      }
    },
  };
}
