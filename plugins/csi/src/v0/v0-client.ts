/**
 * The CSI v0 adapter: the neutral `CsiClient` over `csi.v0` (the spec's v0.2, as Mesos 1.8 speaks
 * it; v0.3 plugins answer the same calls). v0 names the volume context `attributes` /
 * `volume_attributes`, the publish context `publish_info`, and learns the node id from `NodeGetId`.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type VolumeCapability, VolumeCapabilitySchema } from "@mesos/proto/csi";
import * as csi from "@mesos/proto/csi/v0";
import type { CsiClient } from "../client.ts";
import { type CsiConnection, createCsiServiceClient } from "../connection.ts";

export const evolve = (c: VolumeCapability): csi.VolumeCapability => fromBinary(csi.VolumeCapabilitySchema, toBinary(VolumeCapabilitySchema, c));
export const devolve = (c: csi.VolumeCapability): VolumeCapability => fromBinary(VolumeCapabilitySchema, toBinary(csi.VolumeCapabilitySchema, c));

const toInfo = (v: csi.Volume | undefined) => ({ id: v?.id ?? "", capacityBytes: Number(v?.capacityBytes ?? 0n), context: v?.attributes ?? {} });

export function createV0Client(connection: CsiConnection): CsiClient {
  const identity = createCsiServiceClient(csi.Identity, connection);
  const controller = createCsiServiceClient(csi.Controller, connection);
  const node = createCsiServiceClient(csi.Node, connection);
  const RPC = csi.ControllerServiceCapability_RPC_Type;

  return {
    apiVersion: "v0",

    async probe() {
      // v0.2's ProbeResponse is empty: no `ready` means ready.
      const res = await identity.probe({});
      return { ready: res.ready ?? true };
    },
    async getPluginInfo() {
      const { name, vendorVersion, manifest } = await identity.getPluginInfo({});
      return { name, vendorVersion, manifest };
    },
    async getPluginCapabilities() {
      const services = (await identity.getPluginCapabilities({})).capabilities.flatMap((c) => (c.type.case === "service" ? [c.type.value.type] : []));
      return {
        controllerService: services.includes(csi.PluginCapability_Service_Type.CONTROLLER_SERVICE),
        volumeAccessibilityConstraints: services.includes(csi.PluginCapability_Service_Type.ACCESSIBILITY_CONSTRAINTS),
      };
    },

    async controllerGetCapabilities() {
      const rpcs = (await controller.controllerGetCapabilities({})).capabilities.flatMap((c) => (c.type.case === "rpc" ? [c.type.value.type] : []));
      return {
        createDeleteVolume: rpcs.includes(RPC.CREATE_DELETE_VOLUME),
        publishUnpublishVolume: rpcs.includes(RPC.PUBLISH_UNPUBLISH_VOLUME),
        listVolumes: rpcs.includes(RPC.LIST_VOLUMES),
        getCapacity: rpcs.includes(RPC.GET_CAPACITY),
      };
    },
    async createVolume(req) {
      const bytes = BigInt(req.capacityBytes);
      const res = await controller.createVolume({
        name: req.name,
        capacityRange: { requiredBytes: bytes, limitBytes: bytes },
        volumeCapabilities: [evolve(req.capability)],
        parameters: req.parameters,
      });
      return toInfo(res.volume);
    },
    async deleteVolume(volumeId) {
      await controller.deleteVolume({ volumeId });
    },
    async controllerPublishVolume(req) {
      const res = await controller.controllerPublishVolume({
        volumeId: req.volumeId,
        nodeId: req.nodeId,
        volumeCapability: evolve(req.capability),
        readonly: req.readonly,
        volumeAttributes: req.context,
      });
      return res.publishInfo;
    },
    async controllerUnpublishVolume(req) {
      await controller.controllerUnpublishVolume({ volumeId: req.volumeId, nodeId: req.nodeId });
    },
    async validateVolumeCapabilities(req) {
      // v0 cannot validate parameters: the caller compares them with what it knows.
      const res = await controller.validateVolumeCapabilities({
        volumeId: req.volumeId,
        volumeCapabilities: [evolve(req.capability)],
        volumeAttributes: req.context,
      });
      return res.supported ? undefined : res.message || "not supported";
    },
    async listVolumes() {
      const volumes = [];
      let startingToken = "";
      do {
        const res = await controller.listVolumes({ startingToken });
        volumes.push(...res.entries.map((e) => toInfo(e.volume)));
        startingToken = res.nextToken;
      } while (startingToken);
      return volumes;
    },
    async getCapacity(req) {
      const res = await controller.getCapacity({ volumeCapabilities: [evolve(req.capability)], parameters: req.parameters });
      return Number(res.availableCapacity);
    },

    async nodeGetCapabilities() {
      const rpcs = (await node.nodeGetCapabilities({})).capabilities.flatMap((c) => (c.type.case === "rpc" ? [c.type.value.type] : []));
      return { stageUnstageVolume: rpcs.includes(csi.NodeServiceCapability_RPC_Type.STAGE_UNSTAGE_VOLUME) };
    },
    async nodeGetId() {
      return (await node.nodeGetId({})).nodeId;
    },
    async nodeStageVolume(req) {
      await node.nodeStageVolume({
        volumeId: req.volumeId,
        publishInfo: req.publishContext,
        stagingTargetPath: req.stagingPath,
        volumeCapability: evolve(req.capability),
        volumeAttributes: req.context,
      });
    },
    async nodeUnstageVolume(req) {
      await node.nodeUnstageVolume({ volumeId: req.volumeId, stagingTargetPath: req.stagingPath });
    },
    async nodePublishVolume(req) {
      await node.nodePublishVolume({
        volumeId: req.volumeId,
        publishInfo: req.publishContext,
        stagingTargetPath: req.stagingPath ?? "",
        targetPath: req.targetPath,
        volumeCapability: evolve(req.capability),
        readonly: req.readonly,
        volumeAttributes: req.context,
      });
    },
    async nodeUnpublishVolume(req) {
      await node.nodeUnpublishVolume({ volumeId: req.volumeId, targetPath: req.targetPath });
    },
  };
}
