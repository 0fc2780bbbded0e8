#!/usr/bin/env bun
/** The hostpath plugin without the `mesos` binary: `bun plugins/csi-hostpath/src/main.ts --endpoint=... ...`. */
import { runCsiHostpath } from "./run.ts";

runCsiHostpath(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
