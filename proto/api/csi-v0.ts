// The CSI v0 spec's messages and services (package csi.v0), for plugins and the CSI client's v0 adapter.
export * from "../gen/csi/v0/csi_pb";
