/** `filesystem/linux`: containers with an image run in their provisioned root filesystem; persistent volumes are bind mounts. */
export { createFilesystemLinuxIsolator, type FilesystemLinuxOptions } from "./filesystem-linux-isolator.ts";
export { filesystemLinuxPlugin } from "./plugin.ts";
