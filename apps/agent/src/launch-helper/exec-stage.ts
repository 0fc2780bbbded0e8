/**
 * The exec stage: a short-lived helper process that becomes the task. It is spawned by the
 * container's init when the task needs what Bun.spawn cannot give: a controlling terminal,
 * supplementary groups, rlimits, or a seccomp filter (installed last, right before execve, with no
 * JS work in between; see @mesos/linux execveWithSeccomp). It also pivots into the rootfs when
 * there is one. A failure is written to ERROR_FD with the step that failed; success closes it.
 */
import { writeSync } from "node:fs";
import {
  CAP_SYS_ADMIN,
  chdir,
  execve,
  execveWithSeccomp,
  pivotInto,
  setCloseOnExec,
  setControllingTerminal,
  setRlimit,
  setsid,
  switchUser,
} from "@mesos/linux";
import { ERROR_FD, decodeSpec, resolveProgram } from "./exec-spec.ts";
import { step } from "./steps.ts";

export function runExecStage(encoded: string): number {
  try {
    step("reading the exec stage's spec", () => setCloseOnExec(ERROR_FD));
    const spec = step("reading the exec stage's spec", () => decodeSpec(encoded));
    step("starting a session", () => setsid());
    if (spec.tty) step("making the pty the controlling terminal", () => setControllingTerminal(0));
    if (spec.rootfs) step(`pivoting into the root filesystem ${spec.rootfs}`, () => pivotInto(spec.rootfs!));
    step(`changing to the working directory ${spec.cwd}`, () => chdir(spec.cwd));
    for (const r of spec.rlimits) step(`setting rlimit ${r.resource}`, () => setRlimit(r.resource, r.soft, r.hard));
    const path = step(`finding the program '${spec.program}'`, () => resolveProgram(spec.program, spec.env.PATH));
    // Installing the filter (last) needs CAP_SYS_ADMIN: a non-root user's switch keeps it on this
    // thread; the task's execve drops it (see @mesos/linux switchUser).
    const keep = spec.seccompFilter && spec.user?.uid !== 0 ? [CAP_SYS_ADMIN] : [];
    if (spec.user) step(`switching to user '${spec.user.name}'`, () => switchUser(spec.user!, { keepCapabilities: keep }));
    if (spec.seccompFilter) {
      const filter = new Uint8Array(Buffer.from(spec.seccompFilter, "base64"));
      step(`installing the seccomp filter and executing '${path}'`, () => execveWithSeccomp(filter, path, spec.argv, spec.env));
    }
    step(`executing '${path}'`, () => execve(path, spec.argv, spec.env));
  } catch (e) {
    try {
      writeSync(ERROR_FD, (e as Error).message);
    } catch {}
  }
  return 127;
}
