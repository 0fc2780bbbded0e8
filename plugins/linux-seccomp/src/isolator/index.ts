/**
 * The `linux/seccomp` isolator, apart from the compiler so that `mesos seccomp check` (which imports
 * only the compiler) does not load the isolator API and the protobuf descriptors.
 *
 *   import { createSeccompIsolator, systemSeccompHost } from "@mesos/plugin-linux-seccomp/isolator";
 */
export { createSeccompIsolator, SECCOMP_ISOLATOR, type SeccompIsolator, type SeccompIsolatorOptions } from "./seccomp-isolator.ts";
export { type SeccompHost, boundingSetFromStatus, parseKernelRelease, systemSeccompHost } from "./seccomp-host.ts";
export { type SeccompChoice, seccompChoice } from "./seccomp-choice.ts";
export { profilePath } from "./profile-paths.ts";
export { type FilterCache, compileProfileText, createFilterCache, targetKey } from "./filter-cache.ts";
export { seccompFlagSpecs, seccompPlugin } from "./plugin.ts";
