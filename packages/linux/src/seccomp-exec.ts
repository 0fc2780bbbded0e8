/**
 * The launch helper's last step in one call: install the task's seccomp filter on this thread and
 * execve the task right away. Everything that allocates (strings, pointer arrays, the sock_fprog,
 * the signal reset) happens before the filter exists, and between the two system calls there is
 * no JS work: found the hard way, a filter that denies clone3 (Mesos 1.8's example profile, from
 * before clone3) otherwise lets Bun start a helper thread in between, pthread_create fails with
 * EPERM and Bun aborts. No TSYNC: Bun's other threads stay unfiltered and vanish at execve.
 */
import { type Environment, type ExecOptions, prepareExecve } from "./exec.ts";
import { type InstallOptions, prepareSeccompFilter } from "./seccomp.ts";

export function execveWithSeccomp(
  program: Uint8Array,
  path: string,
  argv: readonly string[],
  envp: Environment,
  opts: InstallOptions & ExecOptions = {},
): never {
  const task = prepareExecve(path, argv, envp, opts);
  const filter = prepareSeccompFilter(program, opts);
  filter.install();
  return task.exec();
}
