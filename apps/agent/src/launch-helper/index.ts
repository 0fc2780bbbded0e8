/**
 * `mesos __launch`: the container launch helper. `--launch_info=PATH` runs the container's init
 * (init.ts); `--prestarted` is an init started before its container is known, which learns the
 * path from the agent; `--exec=SPEC` is the exec stage that becomes the task (exec-stage.ts). Keep
 * this module's imports small: it runs at least once per container.
 */
import { isPrestarted, parseLaunchInfoArg } from "../launch-protocol/handshake.ts";
import { runExecStage } from "./exec-stage.ts";
import { runInit, runPrestartedInit } from "./init.ts";

export async function runLaunchHelper(argv: string[]): Promise<number> {
  const exec = argv.find((a) => a.startsWith("--exec="));
  if (exec) return runExecStage(exec.slice("--exec=".length));
  if (isPrestarted(argv)) process.exit(await runPrestartedInit());
  const launchInfoPath = parseLaunchInfoArg(argv);
  if (!launchInfoPath) {
    console.error("mesos __launch: missing --launch_info=PATH");
    return 2;
  }
  // Exit explicitly: the init's signal handlers and stdin reader must not keep it alive.
  process.exit(await runInit(launchInfoPath));
}
