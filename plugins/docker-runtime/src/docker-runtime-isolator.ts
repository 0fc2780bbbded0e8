/**
 * `docker/runtime`, as Mesos names it: a container with a Docker image gets the image's runtime
 * defaults. Its Env (the task's own variables win, the agent merges them on top), its WorkingDir,
 * its User (when the task names none), and, for a command without a value (`shell: false`), its
 * Entrypoint and Cmd merged with the task's arguments, by Mesos's table (see @mesos/images'
 * applyImageRuntime). Mesos ignores the image's User with a warning; we run the task as that user.
 */
import type { Isolator, LaunchInfoInit } from "@mesos/plugin-api";
import { applyImageRuntime } from "@mesos/images";

export function createDockerRuntimeIsolator(): Isolator {
  return {
    name: "docker/runtime",
    supportsNesting: true,

    async prepare(config) {
      const image = config.docker;
      if (!image) return undefined;
      const task = config.commandInfo;
      const runtime = applyImageRuntime(
        { shell: task?.shell ?? true, value: task?.value || undefined, arguments: task?.arguments ?? [] },
        { Entrypoint: image.entrypoint, Cmd: image.cmd, Env: image.env, WorkingDir: image.workingDir, User: image.user },
      );
      const info: LaunchInfoInit = {};
      if (runtime.environment.length > 0) info.environment = { variables: runtime.environment };
      if (runtime.workingDirectory) info.workingDirectory = runtime.workingDirectory;
      if (runtime.user) info.user = runtime.user;
      // Only a command without a value is the image's to decide (Mesos: rows 1-2 of the table).
      if (!runtime.command.shell && !task?.value) {
        info.command = { shell: false, value: runtime.command.value, arguments: runtime.command.arguments };
      }
      return info;
    },
  };
}
