import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { isolator as api } from "@mesos/proto";
import { createFilesystemLinuxIsolator } from "./filesystem-linux-isolator.ts";

test("filesystem/linux: the provisioned rootfs becomes the container's root; no rootfs, nothing", async () => {
  const isolator = createFilesystemLinuxIsolator();
  const config = (rootfs?: string) => create(api.ContainerConfigSchema, { containerId: { value: "c" }, directory: "/sb", rootfs });
  expect(await isolator.prepare!(config("/var/lib/mesos/provisioner/containers/c/backends/overlay/rootfses/r"))).toEqual({
    rootfs: "/var/lib/mesos/provisioner/containers/c/backends/overlay/rootfses/r",
  });
  expect(await isolator.prepare!(config())).toBeUndefined();
  expect(isolator.name).toBe("filesystem/linux");
});
