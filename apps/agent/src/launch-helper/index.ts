/**
 * `mesos __launch`: the container launch helper. `--launch_info=PATH` runs the container's init
 * (init.ts); `--exec=SPEC` is the exec stage that becomes the task (exec-stage.ts). Keep this
 * module's imports small: it runs at least once per container.
 */
import { parseLaunchInfoArg } from "../launch-protocol/handshake.ts";
import { runExecStage } from "./exec-stage.ts";
import { runInit } from "./init.ts";

export async function runLaunchHelper(argv: string[]): Promise<number> {
  const exec = argv.find((a) => a.startsWith("--exec="));
  if (exec) return runExecStage(exec.slice("--exec=".length));
  const launchInfoPath = parseLaunchInfoArg(argv);
  if (!launchInfoPath) {
    console.error("mesos __launch: missing --launch_info=PATH");
    return 2;
  }
  // Exit explicitly: the init's signal handlers and stdin reader must not keep it alive.
  process.exit(await runInit(launchInfoPath));
}
