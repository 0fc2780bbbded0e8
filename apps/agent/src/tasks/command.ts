/**
 * What a command task executes and with which environment, as Mesos's command executor does:
 * `shell` (the default) runs `/bin/sh -c VALUE`; otherwise VALUE is the program and `arguments`
 * its argv. The environment is not inherited from the agent: MESOS_* variables, a default PATH, then
 * CommandInfo.environment.
 */
import type { CommandInfo } from "@mesos/proto";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function commandToExec(command: CommandInfo): { program: string; argv: string[] } {
  if (!command.value) throw new Error("The task's CommandInfo has no 'value' to run");
  if (command.shell) return { program: "/bin/sh", argv: ["sh", "-c", command.value] };
  return { program: command.value, argv: command.arguments.length > 0 ? [...command.arguments] : [command.value] };
}

export function commandEnvironment(command: CommandInfo, base: Record<string, string>): Record<string, string> {
  return { PATH: DEFAULT_PATH, ...base, ...commandInfoEnvironment(command) };
}

/** Just the variables the CommandInfo names. */
export function commandInfoEnvironment(command: CommandInfo): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of command.environment?.variables ?? []) env[v.name] = v.value;
  return env;
}
