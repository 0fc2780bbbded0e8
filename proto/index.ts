/**
 * Generated Mesos v1 messages and our Connect services. `mesos.v1` messages are exported flat
 * (they are used everywhere); the API packages are namespaces because each has its own `Call`.
 */
export * from "./gen/mesos/v1/mesos_pb";
export * as scheduler from "./api/scheduler.ts";
export * as master from "./api/master.ts";
export * as agent from "./api/agent.ts";
export * as internal from "./api/internal.ts";
export * as isolator from "./api/isolator.ts";
export * as quota from "./gen/mesos/v1/quota/quota_pb";
export * as maintenance from "./gen/mesos/v1/maintenance/maintenance_pb";
export * as allocator from "./gen/mesos/v1/allocator/allocator_pb";
export * as executor from "./gen/mesos/v1/executor/executor_pb";
export * as resourceProvider from "./gen/mesos/v1/resource_provider/resource_provider_pb";
