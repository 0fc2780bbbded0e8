/**
 * A small leveled logger. Lines look like Mesos's glog output closely enough to grep the same way:
 * `I2026-11-24T19:57:01.123Z master] Registered agent ...`.
 */
import { stderrLines } from "./line-buffer.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const LETTER: Record<LogLevel, string> = { debug: "D", info: "I", warn: "W", error: "E" };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(name: string): Logger;
  /**
   * glog's verbosity (FLAGS_v, 0 by default), which the operator's SET_LOGGING_LEVEL changes for a
   * while: above 0, debug lines are written whatever the level. Shared by a logger and its children.
   */
  verbosity(): number;
  setVerbosity(v: number): void;
}

export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  /** Where lines go; defaults to stderr, written once a turn (line-buffer.ts). */
  sink?: (line: string) => void;
  /** Writes what the sink buffered (an error line goes out at once). */
  flush?: () => void;
  now?: () => number;
}

export function createLogger(options: LoggerOptions, shared: { v: number } = { v: 0 }): Logger {
  const level = ORDER[options.level ?? "info"];
  const stderr = options.sink ? undefined : stderrLines();
  const sink = options.sink ?? ((line: string) => stderr!.push(line));
  const flush = options.flush ?? (() => stderr?.flush());
  const now = options.now ?? Date.now;
  const write = (l: LogLevel, message: string) => {
    if (ORDER[l] < level && !(l === "debug" && shared.v > 0)) return;
    sink(`${LETTER[l]}${new Date(now()).toISOString()} ${options.name}] ${message}`);
    if (l === "error") flush();
  };
  return {
    debug: (m) => write("debug", m),
    info: (m) => write("info", m),
    warn: (m) => write("warn", m),
    error: (m) => write("error", m),
    child: (name) => createLogger({ ...options, name: `${options.name}/${name}` }, shared),
    verbosity: () => shared.v,
    setVerbosity: (v) => void (shared.v = v),
  };
}

/** A logger that drops everything (tests that do not care about logs). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
  verbosity: () => 0,
  setVerbosity() {},
};

export function parseLogLevel(value: string): LogLevel {
  const v = value.toLowerCase();
  if (v === "debug" || v === "info" || v === "warn" || v === "error") return v;
  if (v === "warning") return "warn";
  throw new Error(`Unknown log level '${value}' (expected debug, info, warning or error)`);
}
