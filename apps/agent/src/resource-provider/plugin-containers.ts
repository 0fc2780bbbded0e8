/**
 * CSI plugin containers as the agent's standalone containers (what Mesos's ContainerDaemon asks the
 * agent for over LAUNCH_CONTAINER / WAIT_CONTAINER / KILL_CONTAINER), for the service manager of
 * @mesos/plugin-csi. The CSI mount root is shared with the host (BIDIRECTIONAL propagation), so the
 * volumes a plugin mounts there are seen by the agent and by tasks.
 */
import { clone, create } from "@bufbuild/protobuf";
import { mkdirSync } from "node:fs";
import { errorMessage, parseResources } from "@mesos/core";
import { makeSharedMount } from "@mesos/linux";
import type { PluginContainerLauncher } from "@mesos/plugin-csi";
import {
  CommandInfoSchema,
  ContainerIDSchema,
  ContainerInfo_Type,
  ContainerInfoSchema,
  Environment_VariableSchema,
  EnvironmentSchema,
  MountPropagation_Mode,
  Volume_Mode,
  Volume_Source_Type,
  VolumeSchema,
} from "@mesos/proto";
import { launchApiContainer } from "../api/container-calls.ts";
import type { AgentContext } from "../context.ts";
import { signalDescription } from "../launch-protocol/termination.ts";

/** What a plugin container gets when its config names no resources (a standalone container needs some). */
const DEFAULT_PLUGIN_RESOURCES = "cpus:0.1;mem:128";

export function createPluginContainers(ctx: AgentContext): PluginContainerLauncher {
  const linux = (ctx.flags.launcher ?? (process.getuid?.() === 0 ? "linux" : "posix")) === "linux";
  const forget = (key: string) => {
    if (ctx.containerizer.state(key) === "terminated") ctx.containerizer.remove(key);
  };
  return {
    async launch(spec) {
      const command = spec.command ? clone(CommandInfoSchema, spec.command) : create(CommandInfoSchema, {});
      command.environment ??= create(EnvironmentSchema, {});
      for (const [name, value] of Object.entries(spec.env)) {
        command.environment.variables = command.environment.variables.filter((v) => v.name !== name);
        command.environment.variables.push(create(Environment_VariableSchema, { name, value }));
      }
      forget(spec.containerId);
      const container = spec.container ? clone(ContainerInfoSchema, spec.container) : create(ContainerInfoSchema, { type: ContainerInfo_Type.MESOS });
      if (linux) {
        // In its own mount namespace the plugin's mounts would stay there: the mount root is shared
        // with the host (Mesos's BIDIRECTIONAL propagation), so published volumes appear on the host.
        for (const v of spec.volumes.filter((v) => v.shared)) {
          mkdirSync(v.path, { recursive: true });
          makeSharedMount(v.path);
          container.volumes.push(
            create(VolumeSchema, {
              mode: Volume_Mode.RW,
              containerPath: v.path,
              source: {
                type: Volume_Source_Type.HOST_PATH,
                hostPath: { path: v.path, mountPropagation: { mode: MountPropagation_Mode.BIDIRECTIONAL } },
              },
            }),
          );
        }
      }
      const resources = spec.resources.length > 0 ? spec.resources : parseResources(DEFAULT_PLUGIN_RESOURCES).toArray();
      await launchApiContainer(ctx, {
        containerId: create(ContainerIDSchema, { value: spec.containerId }),
        command,
        container,
        resources,
      });
    },
    async wait(containerId) {
      if (ctx.containerizer.state(containerId) === undefined) return "is not running";
      try {
        const ended = await ctx.containerizer.wait(containerId);
        const t = ended.termination;
        if (t.launchError) return `failed to launch (${t.launchError})`;
        return t.signal !== undefined ? `terminated with signal ${signalDescription(t.signal)}` : `exited with status ${t.exitCode ?? 0}`;
      } catch (e) {
        return `could not be waited for: ${errorMessage(e)}`;
      } finally {
        forget(containerId);
      }
    },
    async kill(containerId) {
      if (ctx.containerizer.state(containerId) === undefined) return;
      await ctx.containerizer.destroy(containerId).catch(() => undefined);
      forget(containerId);
    },
    async running(prefix) {
      return ctx.containerizer.keys().filter((key) => key.startsWith(prefix) && ctx.containerizer.state(key) !== "terminated");
    },
  };
}
