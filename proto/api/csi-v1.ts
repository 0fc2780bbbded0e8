// The CSI v1 spec's messages and services (package csi.v1), for plugins and the CSI client's v1 adapter.
export * from "../gen/csi/v1/csi_pb";
