/**
 * `mesos __launch --launch_info=PATH`: the container launch helper. The agent starts it detached
 * (its own session), so containers outlive an agent crash. It starts the task, reports the task's
 * pid on stdout and in the runtime dir, waits for it, and records how it ended; a recovering agent
 * reads that record. Keep this module's imports small: it runs once per container.
 */
import { readLaunchInfo, runtimePaths, writeAtomically } from "../containerizer/runtime-files.ts";
import { terminationFromExit, type Termination } from "../containerizer/launch-info.ts";
import { startTask } from "./start-task.ts";

export async function runLaunchHelper(argv: string[]): Promise<number> {
  const arg = argv.find((a) => a.startsWith("--launch_info="));
  if (!arg) {
    console.error("mesos __launch: missing --launch_info=PATH");
    return 2;
  }
  const info = readLaunchInfo(arg.slice("--launch_info=".length));
  const paths = runtimePaths(info.runtimeDirectory);
  let termination: Termination;
  try {
    const task = startTask(info);
    writeAtomically(paths.pid, String(task.pid));
    process.stdout.write(JSON.stringify({ pid: task.pid }) + "\n");
    await task.exited;
    termination = terminationFromExit(task.exitCode, task.signalCode);
  } catch (e) {
    termination = { waitStatus: 1 << 8, exitCode: 1, launchError: (e as Error).message };
    process.stdout.write(JSON.stringify({ error: termination.launchError }) + "\n");
  }
  writeAtomically(paths.termination, JSON.stringify(termination));
  return 0;
}
