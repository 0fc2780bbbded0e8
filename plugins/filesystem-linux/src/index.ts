/** `filesystem/linux`: containers with an image run in their provisioned root filesystem. */
export { createFilesystemLinuxIsolator } from "./filesystem-linux-isolator.ts";
