/**
 * Flag loading for the daemons: `--help` prints usage, any error stops start-up with a message that
 * names the flag (exit code 1), as Mesos does.
 */
import { mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import {
  createLogger,
  FlagError,
  MESOS_VERSION,
  type FlagSpecs,
  type FlagValues,
  formatUsage,
  lineBuffer,
  type Logger,
  parseFlags,
  parseLogLevel,
  stderrLines,
} from "@mesos/core";

export type Loaded<S extends FlagSpecs> = { values: FlagValues<S>; effective: Record<string, string> } | { exitCode: number };

export function loadFlags<S extends FlagSpecs>(
  verb: string,
  specs: S,
  argv: string[],
  validate?: (v: FlagValues<S>) => string | undefined,
): Loaded<S> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(formatUsage(verb, specs));
    return { exitCode: 0 };
  }
  // As Mesos's daemons: `--version` prints "mesos 1.8.0" and exits, before required flags are checked.
  if ("version" in specs && argv.includes("--version")) {
    console.log(`mesos ${MESOS_VERSION}`);
    return { exitCode: 0 };
  }
  try {
    const { values, effective, positional } = parseFlags(specs, argv);
    if (positional.length > 0) throw new FlagError(`Unexpected argument '${positional[0]}' (flags are written --name=value)`);
    const error = validate?.(values);
    if (error) throw new FlagError(error);
    return { values, effective };
  } catch (e) {
    if (!(e instanceof FlagError) && !(e instanceof Error)) throw e;
    console.error(`${e.message}\n\nSee 'mesos ${verb} --help' for the flags.`);
    return { exitCode: 1 };
  }
}

/** Logs to stderr and, with `logFile`, appends every line to that file too (Mesos's --log_dir). */
export function daemonLogger(name: string, level: string | undefined, logFile?: string): Logger {
  if (!logFile) return createLogger({ name, level: parseLogLevel(level ?? "info") });
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, "a");
  // Both written once a turn (line-buffer.ts).
  const stderr = stderrLines();
  const file = lineBuffer((text) => void writeSync(fd, text));
  const sink = (line: string) => {
    stderr.push(line);
    file.push(line);
  };
  const flush = () => {
    stderr.flush();
    file.flush();
  };
  return createLogger({ name, level: parseLogLevel(level ?? "info"), sink, flush });
}

/** How to run this binary again (the agent's `mesos __launch`): compiled, or from source. */
export function selfCommand(): string[] {
  return Bun.main.startsWith("/$bunfs/") ? [process.execPath] : [process.execPath, Bun.main];
}

/** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
export function untilSignalled(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve(signal));
  });
}
