// The mesos.isolator.v1 package: isolator plugins' messages and the Identity and Isolator services.
export * from "../gen/mesos/isolator/v1/isolator_pb";
