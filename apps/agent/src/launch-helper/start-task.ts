/**
 * Starts the task process itself: stdout/stderr appended to the sandbox files, its own process
 * group (so the agent can signal the task and everything it forked), the requested user.
 */
import { openSync, closeSync } from "node:fs";
import type { Subprocess } from "bun";
import type { LaunchInfo } from "../containerizer/launch-info.ts";

export function startTask(info: LaunchInfo): Subprocess {
  const stdout = openSync(info.stdoutPath, "a");
  const stderr = openSync(info.stderrPath, "a");
  try {
    const program = info.program.includes("/") ? info.program : (Bun.which(info.program, { PATH: info.env.PATH ?? "/usr/bin:/bin" }) ?? info.program);
    return Bun.spawn([program, ...info.argv.slice(1)], {
      cwd: info.workingDirectory,
      env: info.env,
      stdio: ["ignore", stdout, stderr],
      detached: true,
      uid: info.user?.uid,
      gid: info.user?.gid,
      argv0: info.argv[0],
    });
  } catch (e) {
    throw new Error(`cannot execute '${info.program}': ${(e as Error).message}`);
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
}
