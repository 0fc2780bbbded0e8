/**
 * `posix/cpu` and `posix/mem`, Mesos's default `--isolation`: no isolation, only the usage
 * statistics of the container's process tree.
 */
export { createPosixCpuIsolator, createPosixMemIsolator } from "./posix-isolators.ts";
