// The mesos.v1.master package: messages and its Connect service.
export * from "../gen/mesos/v1/master/master_pb";
export * from "../gen/mesos/v1/master/operator_service_pb";
