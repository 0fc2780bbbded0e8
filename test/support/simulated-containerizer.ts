/**
 * A containerizer that runs nothing: launches succeed at once, containers end when the test says
 * so (`exit`) or when the agent destroys them (SIGKILL, status 9), and what the agent asked for is
 * recorded. For tests of the agent's own logic through `createAgent({containerizer})`; handed to
 * the next agent on the same checkpoints, its running containers are what that agent recovers.
 */
import { create } from "@bufbuild/protobuf";
import type { ContainerConfig, Containerizer, ContainerState, ContainerTermination, LaunchRequest } from "@mesos/agent";
import { conflict, failedPrecondition, notFound } from "@mesos/core";
import { containerIdString } from "@mesos/plugin-api";
import { ContainerStatusSchema, isolator as api, ResourceStatisticsSchema } from "@mesos/proto";

interface SimulatedContainer {
  request: LaunchRequest;
  config: ContainerConfig;
  state: ContainerState;
  exited: Promise<ContainerTermination>;
  end(t: ContainerTermination): void;
}

export function createSimulatedContainerizer() {
  const containers = new Map<string, SimulatedContainer>();
  const launches: LaunchRequest[] = [];
  const signals: { key: string; signal: string }[] = [];

  const known = (key: string) => {
    const c = containers.get(key);
    if (!c) throw notFound(`Unknown container ${key}`);
    return c;
  };
  const end = (key: string, termination: ContainerTermination["termination"], destroyed: boolean) => {
    const c = containers.get(key);
    if (!c || c.state === "terminated") return;
    for (const [child, x] of containers) if (child.startsWith(`${key}.`) && x.state !== "terminated") end(child, { waitStatus: 9, signal: 9 }, true);
    c.state = "terminated";
    c.end({ termination, destroyed });
  };

  const containerizer: Containerizer = {
    // The same containerizer handed to a second agent (a restart): what still runs is found, what is not wanted is destroyed.
    async recover(keep) {
      const running = [...containers].filter(([, c]) => c.state === "running").map(([key, c]) => ({ key, config: c.config }));
      const wanted = keep(running);
      for (const { key } of running) if (!wanted.has(key)) end(key, { waitStatus: 9, signal: 9 }, true);
    },
    async launch(request) {
      const key = containerIdString(request.containerId);
      if (containers.has(key)) throw conflict(`Container ${key} already exists`);
      launches.push(request);
      let resolve!: (t: ContainerTermination) => void;
      const exited = new Promise<ContainerTermination>((r) => (resolve = r));
      const config = create(api.ContainerConfigSchema, {
        containerId: request.containerId,
        frameworkId: request.frameworkId ? { value: request.frameworkId } : undefined,
        executorId: request.executorId ? { value: request.executorId } : undefined,
        taskIds: (request.taskIds ?? []).map((value) => ({ value })),
        resources: request.resources,
        directory: request.sandbox,
      });
      containers.set(key, { request, config, state: "running", exited, end: resolve });
    },
    wait: async (key) => known(key).exited,
    async destroy(key) {
      end(key, { waitStatus: 9, signal: 9 }, true);
      return known(key).exited;
    },
    signal(key, signal) {
      const c = containers.get(key);
      if (!c || c.state === "terminated") return false;
      signals.push({ key, signal });
      if (signal === "SIGKILL" || signal === "SIGTERM") end(key, { waitStatus: 15, signal: 15 }, signal === "SIGKILL");
      return true;
    },
    remove(key) {
      const c = containers.get(key);
      if (c && c.state !== "terminated") throw failedPrecondition(`Container ${key} is still running`);
      containers.delete(key);
    },
    keys: () => [...containers.keys()],
    state: (key) => containers.get(key)?.state,
    config: (key) => containers.get(key)?.config,
    status: async (key) => create(ContainerStatusSchema, { containerId: known(key).request.containerId }),
    usage: async (key) => (known(key), create(ResourceStatisticsSchema, { timestamp: 0 })),
    io: () => undefined,
    stop() {},
  };

  return {
    containerizer,
    launches,
    signals,
    /** The container's command exits with `code`. */
    exit: (key: string, code: number) => end(key, { waitStatus: (code & 0xff) << 8, exitCode: code }, false),
  };
}
