/**
 * The agent's v0 `GET /containers` (also `/slave(1)/containers`), in Mesos's JSON shape: one entry
 * per running executor container, `{framework_id, executor_id, executor_name, source,
 * container_id, status, statistics}`, where `status` is the ContainerStatus and `statistics` the
 * ResourceStatistics as JSON; `?container_id=` keeps just that container. Nested and standalone
 * containers are not listed here (GET_CONTAINERS shows them). The same read as GET_CONTAINERS.
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { toMesosJson } from "@mesos/core";
import { ContainerStatusSchema, ResourceStatisticsSchema } from "@mesos/proto";
import { getContainersCall } from "../api/container-calls.ts";
import type { AgentContext } from "../context.ts";

const COMMAND_EXECUTOR = /^Command Executor \(Task: (.*)\)$/;

export async function containersJson(ctx: AgentContext, containerId?: string): Promise<JsonValue[]> {
  const reply = await getContainersCall(ctx, undefined);
  const containers = reply === "accepted" ? [] : (reply.getContainers?.containers ?? []);
  return containers
    .filter((c) => c.executorId && (containerId === undefined || c.containerId?.value === containerId))
    .map((c) => {
      const entry: Record<string, JsonValue> = {
        framework_id: c.frameworkId?.value ?? "",
        executor_id: c.executorId!.value,
        executor_name: c.executorName ?? "",
        // Mesos sets a command executor's source to its task's id.
        source: c.executorName?.match(COMMAND_EXECUTOR)?.[1] ?? "",
        container_id: c.containerId?.value ?? "",
      };
      if (c.containerStatus) entry.status = toMesosJson(ContainerStatusSchema, c.containerStatus);
      if (c.resourceStatistics) entry.statistics = toMesosJson(ResourceStatisticsSchema, c.resourceStatistics);
      return entry;
    });
}

/**
 * The agent's v0 `GET /monitor/statistics` (also `/slave(1)/monitor/statistics`): each executor's
 * resource usage from the isolators, `{framework_id, executor_id, executor_name, source, statistics}`,
 * for the executors with statistics (as Mesos's ResourceUsage lists them). The same read as /containers.
 */
export async function statisticsJson(ctx: AgentContext): Promise<JsonValue[]> {
  return (await containersJson(ctx))
    .map((c) => c as Record<string, JsonValue>)
    .filter((c) => c.statistics !== undefined)
    .map(({ framework_id, executor_id, executor_name, source, statistics }) => ({ framework_id, executor_id, executor_name, source, statistics }));
}
