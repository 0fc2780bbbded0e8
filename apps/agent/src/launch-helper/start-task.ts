/**
 * Starting the task from the container's init. The fast path is one Bun.spawn (its own session,
 * uid and gid; Bun sets the supplementary groups to the gid alone). Anything more (a terminal as
 * the controlling tty, other supplementary groups, rlimits, a seccomp filter) goes through the
 * exec stage: a second helper process that sets it up on itself and execs the task, reporting a
 * failure with the step's name on an error pipe. A root filesystem alone does not need it: the
 * init pivots (pivot_root moves the whole mount namespace, the init included, as the exec stage's
 * pivot would) and spawns the task there; its /dev (populated before) has the /dev/null Bun.spawn
 * opens for ignored stdio. With the exec stage, that stage pivots right before it execs.
 */
import type { Subprocess } from "bun";
import { pivotInto } from "@mesos/linux";
import type { LaunchCommand, LaunchInfo } from "../launch-protocol/launch-info.ts";
import { ERROR_FD, encodeSpec, resolveProgram, type ExecSpec } from "./exec-spec.ts";
import { step, stepAsync } from "./steps.ts";
import type { TaskIo } from "./switchboard.ts";

export type TaskProcess = Subprocess<"pipe" | "ignore" | number, "pipe" | "ignore" | number, "pipe" | "ignore" | number>;

function needsExecStage(info: LaunchInfo, io: TaskIo): boolean {
  const user = info.command?.user;
  const extraGroups = user ? user.groups.some((g) => g !== user.gid) : false;
  return io.tty || extraGroups || info.rlimits.length > 0 || Boolean(info.seccompFilter);
}

export async function startTask(info: LaunchInfo, command: LaunchCommand, io: TaskIo, self: string[]): Promise<TaskProcess> {
  if (!needsExecStage(info, io)) {
    if (info.rootfs) step(`pivoting into the root filesystem ${info.rootfs}`, () => pivotInto(info.rootfs!));
    const program = step(`finding the program '${command.program}'`, () => resolveProgram(command.program, command.env.PATH));
    return step(
      `executing '${program}'`,
      () =>
        Bun.spawn([program, ...command.argv.slice(1)], {
          argv0: command.argv[0],
          cwd: command.workingDirectory,
          env: command.env,
          stdio: io.stdio,
          detached: true,
          uid: command.user?.uid,
          gid: command.user?.gid,
        }) as TaskProcess,
    );
  }
  const spec: ExecSpec = {
    program: command.program,
    argv: command.argv,
    env: command.env,
    cwd: command.workingDirectory,
    user: command.user,
    rootfs: info.rootfs,
    tty: io.tty,
    seccompFilter: info.seccompFilter,
    rlimits: info.rlimits,
  };
  const proc = step("starting the exec stage", () =>
    Bun.spawn([...self, "__launch", `--exec=${encodeSpec(spec)}`], {
      stdio: [...io.stdio, "pipe"] as ["pipe", "pipe", "pipe", "pipe"],
      env: {},
    }),
  ) as unknown as TaskProcess;
  const errorFd = (proc.stdio as unknown as (number | null)[])[ERROR_FD];
  const report = await stepAsync("waiting for the exec stage", () => Bun.file(errorFd!).text());
  if (report) {
    proc.kill("SIGKILL");
    throw new Error(report);
  }
  return proc;
}
