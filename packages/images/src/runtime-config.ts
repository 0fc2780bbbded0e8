/**
 * The image's runtime defaults applied to a task's command, as Mesos's `docker/runtime` isolator
 * applies them:
 * - `shell: true` runs `value` with `/bin/sh -c` and ignores Entrypoint and Cmd (no value: error);
 * - `shell: false` with a value runs that value with the task's arguments, ignoring both;
 * - `shell: false` without a value runs Entrypoint[0] with Entrypoint[1..] then the task's
 *   arguments, or Cmd if the task gave none; without an Entrypoint, Cmd[0] with the task's
 *   arguments, or Cmd[1..] if it gave none; neither: error.
 * Env: the image's variables, then the task's, which win. WorkingDir and User as the image says.
 */
import { invalid } from "@mesos/core";
import type { RuntimeDefaults } from "./image-config.ts";

export interface TaskCommand {
  shell: boolean;
  value?: string;
  arguments: string[];
  environment?: { name: string; value: string }[];
}

export interface ContainerRuntime {
  /** The command to run: with `shell: false`, `value` is the program and `arguments` its argv (argv[0] first). */
  command: { shell: boolean; value: string; arguments: string[] };
  /** The image's variables overridden by the task's, in a stable order. */
  environment: { name: string; value: string }[];
  workingDirectory?: string;
  /** The image's `User` (`user`, `uid`, `user:group`, `uid:gid`), when it names one. */
  user?: string;
}

export function applyImageRuntime(task: TaskCommand, image: RuntimeDefaults): ContainerRuntime {
  return {
    command: mergeCommand(task, image),
    environment: mergeEnvironment(image.Env ?? [], task.environment ?? []),
    workingDirectory: image.WorkingDir ? image.WorkingDir : undefined,
    user: image.User ? image.User : undefined,
  };
}

function mergeCommand(task: TaskCommand, image: RuntimeDefaults): ContainerRuntime["command"] {
  if (task.shell) {
    if (!task.value) throw invalid("Shell specified but no command value provided");
    return { shell: true, value: task.value, arguments: task.arguments };
  }
  if (task.value) return { shell: false, value: task.value, arguments: task.arguments };
  const entrypoint = image.Entrypoint ?? [];
  const cmd = image.Cmd ?? [];
  if (entrypoint.length > 0) {
    const args = [...entrypoint, ...task.arguments];
    if (task.arguments.length === 0) args.push(...cmd);
    return { shell: false, value: entrypoint[0]!, arguments: args };
  }
  if (cmd.length > 0) {
    const args = [cmd[0]!, ...task.arguments];
    if (task.arguments.length === 0) args.push(...cmd.slice(1));
    return { shell: false, value: cmd[0]!, arguments: args };
  }
  throw invalid("No executable is found: the task has no command and the image has neither Entrypoint nor Cmd");
}

function mergeEnvironment(image: string[], task: { name: string; value: string }[]): { name: string; value: string }[] {
  const merged = new Map<string, string>();
  for (const entry of image) {
    const eq = entry.indexOf("=");
    // Mesos skips malformed entries (no '=').
    if (eq <= 0) continue;
    merged.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  for (const v of task) merged.set(v.name, v.value);
  return [...merged].map(([name, value]) => ({ name, value }));
}
