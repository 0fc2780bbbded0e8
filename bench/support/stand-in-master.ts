/**
 * What a stand-in master sends: the benches that measure the agent alone (agent-task-path,
 * agent-reattach) link hollow agents in memory to a master of their own, which registers them,
 * runs tasks on them and acknowledges their updates with these frames.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { internal, Value_Type } from "@mesos/proto";
import { inMemoryDialer, type LinkEnd } from "@mesos/rpc";

export type BenchFrameworkInfo = ReturnType<typeof benchFrameworkInfos>[number];

/** `count` frameworks with fixed ids (an agent keeps the FrameworkInfo a RunTask carries). */
export function benchFrameworkInfos(count: number, failoverTimeout: number) {
  return Array.from({ length: count }, (_, i) => ({
    user: "root",
    name: `bench-${i}`,
    id: { value: `c0ffee00-0000-4000-8000-000000000000-${String(i).padStart(4, "0")}` },
    failoverTimeout,
    roles: ["*"],
  }));
}

export function registeredFrame(agentId: string, connectionId: string): Uint8Array {
  return toBinary(
    internal.MasterMessageSchema,
    create(internal.MasterMessageSchema, {
      message: { case: "registered", value: { agentId: { value: agentId }, masterInfo: { id: "m", ip: 0, port: 5050 }, connectionId } },
    }),
  );
}

/** A task of 0.1 cpus and 32 MB running `command` (the hollow containerizer runs `sleep N` for N seconds). */
export function runTaskFrame(agentId: string, taskId: string, frameworkInfo: BenchFrameworkInfo, command: string): Uint8Array {
  const resources = [
    { name: "cpus", type: Value_Type.SCALAR, scalar: { value: 0.1 }, role: "*", allocationInfo: { role: "*" } },
    { name: "mem", type: Value_Type.SCALAR, scalar: { value: 32 }, role: "*", allocationInfo: { role: "*" } },
  ];
  const task = { name: taskId, taskId: { value: taskId }, agentId: { value: agentId }, command: { value: command }, resources };
  return toBinary(
    internal.MasterMessageSchema,
    create(internal.MasterMessageSchema, { message: { case: "runTask", value: { frameworkInfo, task } } }),
  );
}

/** The acknowledgement of an agent's status update, as the master relays the framework's. */
export function acknowledgementFrame(update: internal.StatusUpdate): Uint8Array {
  const { frameworkId, status } = update;
  return toBinary(
    internal.MasterMessageSchema,
    create(internal.MasterMessageSchema, {
      message: { case: "acknowledgeStatusUpdate", value: { frameworkId, taskId: status!.taskId, uuid: status!.uuid } },
    }),
  );
}

/** This process's CPU time so far, ms. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Links agents in memory to a stand-in master: `onLink` makes the handler of one agent's frames.
 * The handlers' CPU time is counted apart (`cpuMs`), so a bench can subtract it from its own and
 * keep the agents' share: CPU time, not wall time, since on a busy machine the wall clock counts
 * the time others ran.
 */
export function timedStandInMaster(onLink: (toAgent: LinkEnd) => (frame: Uint8Array) => void) {
  let cpuMs = 0;
  const dial = inMemoryDialer((toAgent) => {
    const handle = onLink(toAgent);
    return {
      message(frame) {
        const start = process.cpuUsage();
        try {
          handle(frame);
        } finally {
          const used = process.cpuUsage(start);
          cpuMs += (used.user + used.system) / 1000;
        }
      },
      close() {},
    };
  });
  return { dial, cpuMs: () => cpuMs };
}
