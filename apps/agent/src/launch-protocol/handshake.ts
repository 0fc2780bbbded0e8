/**
 * How the agent starts a container's init and how the two agree that the task runs:
 *
 *   agent:  spawns `mesos __launch --launch_info=PATH` (detached; stdin and stdout are pipes), or
 *           takes a helper it started ahead of time, `mesos __launch --prestarted` (it boots while
 *           no container needs it yet), and tells it its container first:
 *   agent -> prestarted helper (stdin, one line):  `use "PATH"` (PATH as JSON); EOF instead: the
 *           agent stopped or went away without needing it, and it exits quietly
 *   agent -> helper (stdin, one line):  `go` once launch.json is written and every isolator has
 *           isolated the helper's pid, or `abort WHY` (EOF before either: the agent went away)
 *   helper -> agent (stdout, one JSON line):  `{"pid":N}` once the task runs, or `{"error":"..."}`
 *           naming the step that failed
 *
 * After that the agent only reads the runtime files (runtime-files.ts): the helper may outlive it.
 */

const LAUNCH_VERB = "__launch";

/** The helper's arguments after the binary (and, from source, the entry script). */
export function launchHelperArgs(launchInfoPath: string): string[] {
  return [LAUNCH_VERB, `--launch_info=${launchInfoPath}`];
}

export function parseLaunchInfoArg(argv: readonly string[]): string | undefined {
  return argv.find((a) => a.startsWith("--launch_info="))?.slice("--launch_info=".length);
}

const PRESTARTED_FLAG = "--prestarted";

/** A helper started before its container is known: it waits for a `use` line. */
export function prestartedHelperArgs(): string[] {
  return [LAUNCH_VERB, PRESTARTED_FLAG];
}

export function isPrestarted(argv: readonly string[]): boolean {
  return argv.includes(PRESTARTED_FLAG);
}

export function useLine(launchInfoPath: string): string {
  return `use ${JSON.stringify(launchInfoPath)}\n`;
}

/** A prestarted helper's reading of the agent's first line: the launch description's path, or undefined for EOF (not needed). */
export function parseUseLine(line: string): string | undefined {
  if (line === "") return undefined;
  const path: unknown = line.startsWith("use ") ? JSON.parse(line.slice("use ".length)) : undefined;
  if (typeof path !== "string" || !path) throw new Error(`the agent's first line to a prestarted helper is not 'use PATH': '${line}'`);
  return path;
}

export const GO_LINE = "go\n";

export function abortLine(why: string): string {
  return `abort ${why.replace(/\n/g, " ")}\n`;
}

/** The helper's reading of the agent's line: go, or why not. */
export function parseGoLine(line: string): { go: true } | { go: false; why: string } {
  if (line === "go") return { go: true };
  if (line === "") return { go: false, why: "the agent went away before the container was isolated" };
  return { go: false, why: `the agent aborted the launch: ${line.replace(/^abort /, "")}` };
}

export type StartReport = { pid: number; error?: undefined } | { error: string; pid?: undefined };

export function startReportLine(report: StartReport): string {
  return `${JSON.stringify(report)}\n`;
}

/** The agent's reading of the helper's line; throws what failed. */
export function parseStartReport(line: string): number {
  let report: StartReport;
  try {
    report = JSON.parse(line);
  } catch {
    throw new Error(`the launch helper answered '${line}'`);
  }
  if (report.error !== undefined) throw new Error(report.error);
  return report.pid!;
}
