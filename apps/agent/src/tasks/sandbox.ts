/** Mesos's sandbox layout, so tools and people find task output where they expect it. */
import { join } from "node:path";

export function sandboxPath(workDir: string, agentId: string, frameworkId: string, executorId: string, containerId: string): string {
  return join(workDir, "slaves", agentId, "frameworks", frameworkId, "executors", executorId, "runs", containerId);
}
