/** `mesos seccomp check PROFILE.json [...]`: does a seccomp profile load, and what filter does it make? */
import { runSeccompCheck } from "@mesos/plugin-linux-seccomp";

const USAGE = "Usage: mesos seccomp check PROFILE.json [--arch=x86_64|aarch64] [--capabilities=CAP_A,CAP_B] [--kernel=MAJOR.MINOR] [--dump]";

export async function runSeccomp(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "check") return runSeccompCheck(rest);
  if (sub === "--help" || sub === "-h" || sub === "help") {
    console.log(USAGE);
    return 0;
  }
  console.error(sub === undefined ? USAGE : `Unknown 'mesos seccomp' command '${sub}'.\n${USAGE}`);
  return 1;
}
