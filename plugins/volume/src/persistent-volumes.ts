/**
 * Where persistent volumes live on the agent, as in Mesos (core's persistentVolumePath, Mesos's
 * `paths::getPersistentVolumePath`): WORK_DIR/volumes/roles/<role>/<id> (a `/` in a hierarchical
 * role becomes a space), under a PATH disk's root, at a MOUNT disk's root, or, on a disk of a
 * storage resource provider, the CSI volume's published target (WORK_DIR/<mount root>/<volume id>/target),
 * which the provider makes and publishes before a task starts. The agent creates and destroys them
 * (CREATE/DESTROY); filesystem/linux mounts them into containers.
 */
/** A volume on a MOUNT disk: its directory is its mount point (or the provider's), not the agent's to make. */
export { isMountDisk as onMountDisk, persistentVolumePath } from "@mesos/core";
