/**
 * The volume isolators: `volume/host_path`, `volume/sandbox_path`, `volume/secret`, each a
 * built-in plugin (in the agent or `mesos isolator serve`). `placeVolume` is where any volume goes
 * in a container; filesystem/linux uses it for persistent volumes.
 */
export { volumeAgentFlagSpecs, volumeFlagSpecs } from "./flags.ts";
export { parseForceCreation, type HostPathCreation } from "./host-path-creation.ts";
export { createHostPathIsolator, HOST_PATH_ISOLATOR } from "./host-path-isolator.ts";
export { placeVolume, type PlaceVolume } from "./mount-points.ts";
export { onMountDisk, persistentVolumePath } from "./persistent-volumes.ts";
export { hostPathPlugin, sandboxPathPlugin, secretPlugin } from "./plugins.ts";
export { createSandboxPathIsolator, SANDBOX_PATH_ISOLATOR } from "./sandbox-path-isolator.ts";
export { createSecretIsolator, SECRET_ISOLATOR } from "./secret-isolator.ts";
