// Mesos's own CSI messages: the version-neutral types (mesos.csi.types), the volume state checkpoint
// (mesos.csi.state) and the URI disk profile adaptor's mapping (mesos.resource_provider).
export * from "../gen/mesos/csi/types_pb";
export * from "../gen/mesos/csi/state_pb";
export * from "../gen/mesos/resource_provider/disk_profile_pb";
