import { describe, expect, test } from "bun:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { isolator as api } from "@mesos/proto";
import { createDockerRuntimeIsolator } from "./docker-runtime-isolator.ts";

const isolator = createDockerRuntimeIsolator();
const config = (init: Pick<MessageInitShape<typeof api.ContainerConfigSchema>, "commandInfo" | "docker">) =>
  create(api.ContainerConfigSchema, { containerId: { value: "c" }, directory: "/sb", ...init });
const image = { name: "r/x:1", entrypoint: ["/entry"], cmd: ["arg"], env: ["A=1", "PATH=/bin"], workingDir: "/srv", user: "app" };

describe("docker/runtime", () => {
  test("a container without an image is left alone", async () => {
    expect(await isolator.prepare!(config({ commandInfo: { value: "true" } }))).toBeUndefined();
  });

  test("no command value: the image's Entrypoint and Cmd; Env, WorkingDir and User", async () => {
    const info = await isolator.prepare!(config({ commandInfo: { shell: false }, docker: image }));
    expect(info).toEqual({
      environment: {
        variables: [
          { name: "A", value: "1" },
          { name: "PATH", value: "/bin" },
        ],
      },
      workingDirectory: "/srv",
      user: "app",
      command: { shell: false, value: "/entry", arguments: ["/entry", "arg"] },
    });
  });

  test("a command value keeps the task's command; the rest of the image still applies", async () => {
    const info = await isolator.prepare!(config({ commandInfo: { value: "echo hi" }, docker: { ...image, user: "" } }));
    expect(info?.command).toBeUndefined();
    expect(info?.user).toBeUndefined();
    expect(info?.workingDirectory).toBe("/srv");
  });

  test("Mesos's errors: shell without a value; nothing to run", async () => {
    await expect(isolator.prepare!(config({ commandInfo: { shell: true }, docker: image }))).rejects.toThrow(
      "Shell specified but no command value provided",
    );
    await expect(isolator.prepare!(config({ commandInfo: { shell: false }, docker: { name: "r/x:1" } }))).rejects.toThrow(/No executable is found/);
  });
});
