// Mesos's own CSI messages: the version-neutral types (mesos.csi.types), the volume state checkpoint
// (mesos.csi.state), the URI disk profile adaptor's mapping and the storage resource provider's
// checkpoint (mesos.resource_provider).
export * from "../gen/mesos/csi/types_pb";
export * from "../gen/mesos/csi/state_pb";
export * from "../gen/mesos/resource_provider/disk_profile_pb";
export * from "../gen/mesos/resource_provider/state_pb";
