/**
 * The CSI v1 adapter: the neutral `CsiClient` over `csi.v1` (the spec's v1.1). Volume capabilities
 * convert by their wire form, which Mesos's neutral type shares with the spec's.
 */
import { equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type VolumeCapability, VolumeCapabilitySchema } from "@mesos/proto/csi";
import * as csi from "@mesos/proto/csi/v1";
import { type CsiConnection, createCsiServiceClient } from "../connection.ts";
import { type CsiClient, sameMap } from "../client.ts";

export const evolve = (c: VolumeCapability): csi.VolumeCapability => fromBinary(csi.VolumeCapabilitySchema, toBinary(VolumeCapabilitySchema, c));
export const devolve = (c: csi.VolumeCapability): VolumeCapability => fromBinary(VolumeCapabilitySchema, toBinary(csi.VolumeCapabilitySchema, c));

const toInfo = (v: csi.Volume | undefined) => ({
  id: v?.volumeId ?? "",
  capacityBytes: Number(v?.capacityBytes ?? 0n),
  context: v?.volumeContext ?? {},
});

export function createV1Client(connection: CsiConnection): CsiClient {
  const identity = createCsiServiceClient(csi.Identity, connection);
  const controller = createCsiServiceClient(csi.Controller, connection);
  const node = createCsiServiceClient(csi.Node, connection);
  const RPC = csi.ControllerServiceCapability_RPC_Type;

  return {
    apiVersion: "v1",

    async probe() {
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
        volumeAccessibilityConstraints: services.includes(csi.PluginCapability_Service_Type.VOLUME_ACCESSIBILITY_CONSTRAINTS),
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
        volumeContext: req.context,
      });
      return res.publishContext;
    },
    async controllerUnpublishVolume(req) {
      await controller.controllerUnpublishVolume({ volumeId: req.volumeId, nodeId: req.nodeId });
    },
    async validateVolumeCapabilities(req) {
      const capability = evolve(req.capability);
      const res = await controller.validateVolumeCapabilities({
        volumeId: req.volumeId,
        volumeContext: req.context,
        volumeCapabilities: [capability],
        parameters: req.parameters,
      });
      // v1 confirms what it supports; Mesos accepts only a confirmation of exactly what it asked.
      const confirmed = res.confirmed;
      if (!confirmed) return res.message || "not confirmed";
      if (!sameMap(confirmed.volumeContext, req.context)) return "Mismatched volume context";
      if (!confirmed.volumeCapabilities.some((c) => equals(csi.VolumeCapabilitySchema, c, capability))) return "Unsupported volume capability";
      if (!sameMap(confirmed.parameters, req.parameters)) return "Mismatched parameters";
      return undefined;
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
      return (await node.nodeGetInfo({})).nodeId;
    },
    async nodeStageVolume(req) {
      await node.nodeStageVolume({
        volumeId: req.volumeId,
        publishContext: req.publishContext,
        stagingTargetPath: req.stagingPath,
        volumeCapability: evolve(req.capability),
        volumeContext: req.context,
      });
    },
    async nodeUnstageVolume(req) {
      await node.nodeUnstageVolume({ volumeId: req.volumeId, stagingTargetPath: req.stagingPath });
    },
    async nodePublishVolume(req) {
      await node.nodePublishVolume({
        volumeId: req.volumeId,
        publishContext: req.publishContext,
        stagingTargetPath: req.stagingPath ?? "",
        targetPath: req.targetPath,
        volumeCapability: evolve(req.capability),
        readonly: req.readonly,
        volumeContext: req.context,
      });
    },
    async nodeUnpublishVolume(req) {
      await node.nodeUnpublishVolume({ volumeId: req.volumeId, targetPath: req.targetPath });
    },
  };
}
