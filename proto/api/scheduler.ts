// The mesos.v1.scheduler package: messages and its Connect service.
export * from "../gen/mesos/v1/scheduler/scheduler_pb";
export * from "../gen/mesos/v1/scheduler/scheduler_service_pb";
