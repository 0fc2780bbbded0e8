/** `mesos master`: runs a master until SIGINT/SIGTERM. */
import { createHierarchicalAllocator, masterFlagSpecs, masterLogFile, startMaster, validateMasterFlags } from "@mesos/master";
import { daemonLogger, loadFlags, untilSignalled } from "./load-flags.ts";

export async function runMaster(argv: string[]): Promise<number> {
  const flags = loadFlags("master", masterFlagSpecs, argv, validateMasterFlags);
  if ("exitCode" in flags) return flags.exitCode;
  const log = daemonLogger("master", flags.values.logging_level, masterLogFile(flags.values));
  let master;
  try {
    master = await startMaster({ flags: flags.values, effectiveFlags: flags.effective, log, createAllocator: createHierarchicalAllocator });
  } catch (e) {
    log.error(`Failed to start the master: ${(e as Error).message}`);
    return 1;
  }
  const signal = await untilSignalled();
  log.info(`Received ${signal}; stopping`);
  await master.stop();
  // Stopped is stopped: a timer (an allocator filter, an offer timeout) must not keep the process up.
  setTimeout(() => process.exit(), 200).unref();
  return 0;
}
