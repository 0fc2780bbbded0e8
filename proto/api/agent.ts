// The mesos.v1.agent package: messages and its Connect service.
export * from "../gen/mesos/v1/agent/agent_pb";
export * from "../gen/mesos/v1/agent/agent_service_pb";
