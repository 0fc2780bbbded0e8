/**
 * What the exec stage (`mesos __launch --exec=SPEC`) needs to become the task, and how a path is
 * looked up the way execvp would. Shared by the helper (which writes the spec) and the stage.
 */
import { accessSync, constants, statSync } from "node:fs";
import type { LaunchRlimit, LaunchUser } from "../launch-protocol/launch-info.ts";

export interface ExecSpec {
  program: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  user?: LaunchUser;
  rootfs?: string;
  /** stdin is a terminal: become a session leader with it as the controlling terminal. */
  tty: boolean;
  /** base64 of the seccomp program. */
  seccompFilter?: string;
  rlimits: LaunchRlimit[];
}

/** The exec stage reports a failure on this descriptor (close-on-exec: EOF with no data = exec'd). */
export const ERROR_FD = 3;

export const encodeSpec = (spec: ExecSpec) => Buffer.from(JSON.stringify(spec)).toString("base64");
export const decodeSpec = (text: string) => JSON.parse(Buffer.from(text, "base64").toString("utf8")) as ExecSpec;

/** The program's path, searched in PATH like execvp when it has no slash. */
export function resolveProgram(program: string, path: string | undefined): string {
  if (program.includes("/")) return program;
  for (const dir of (path ?? "/usr/local/bin:/usr/bin:/bin").split(":")) {
    const candidate = `${dir || "."}/${program}`;
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {}
  }
  throw new Error(`'${program}' was not found in PATH (${path ?? "the default PATH"})`);
}
