// The mesos.v1.internal package: the master<->agent link (messages and its Connect service).
export * from "../gen/mesos/v1/internal/agent_link_pb";
