/**
 * The hostpath driver as CSI v0 services (csi.v0.Identity, Controller, Node; v0.2 and v0.3 clients
 * alike: NodeGetId and NodeGetInfo both answer). v0 calls the volume context `attributes` /
 * `volume_attributes` and the publish context `publish_info`.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import * as csi from "@mesos/proto/csi/v0";
import type { Driver } from "./driver.ts";
import type { VolumeRecord } from "./volume-store.ts";

const RPC = csi.ControllerServiceCapability_RPC_Type;

export function v0Routes(driver: Driver) {
  const toVolume = (v: VolumeRecord) => ({ id: v.id, capacityBytes: BigInt(v.capacity), attributes: { path: driver.dataPath(v) } });
  const controllerRpcs = [
    RPC.CREATE_DELETE_VOLUME,
    RPC.LIST_VOLUMES,
    RPC.GET_CAPACITY,
    ...(driver.controllerPublish ? [RPC.PUBLISH_UNPUBLISH_VOLUME] : []),
  ];

  return (router: ConnectRouter) => {
    router.service(csi.Identity, {
      getPluginInfo: () => ({ name: driver.name, vendorVersion: driver.vendorVersion }),
      getPluginCapabilities: () => ({
        capabilities: [{ type: { case: "service", value: { type: csi.PluginCapability_Service_Type.CONTROLLER_SERVICE } } }],
      }),
      probe: () => ({ ready: true }),
    });

    router.service(csi.Controller, {
      async createVolume(req) {
        const volume = await driver.controller.createVolume({
          name: req.name,
          requiredBytes: Number(req.capacityRange?.requiredBytes ?? 0n),
          limitBytes: Number(req.capacityRange?.limitBytes ?? 0n),
          capabilities: req.volumeCapabilities,
          parameters: req.parameters,
        });
        return { volume: toVolume(volume) };
      },
      async deleteVolume(req) {
        await driver.controller.deleteVolume(req.volumeId);
        return {};
      },
      async controllerPublishVolume(req) {
        const publishInfo = await driver.controller.controllerPublish({
          volumeId: req.volumeId,
          nodeId: req.nodeId,
          capability: req.volumeCapability,
        });
        return { publishInfo };
      },
      async controllerUnpublishVolume(req) {
        await driver.controller.controllerUnpublish({ volumeId: req.volumeId, nodeId: req.nodeId });
        return {};
      },
      async validateVolumeCapabilities(req) {
        const why = await driver.controller.validate({ volumeId: req.volumeId, capabilities: req.volumeCapabilities });
        return why ? { supported: false, message: `Unsupported: ${why}` } : { supported: true };
      },
      async listVolumes(req) {
        const { entries, nextToken } = await driver.controller.listVolumes({ maxEntries: req.maxEntries, startingToken: req.startingToken });
        return { entries: entries.map((v) => ({ volume: toVolume(v) })), nextToken };
      },
      async getCapacity(req) {
        return {
          availableCapacity: BigInt(await driver.controller.getCapacity({ capabilities: req.volumeCapabilities, parameters: req.parameters })),
        };
      },
      controllerGetCapabilities: () => ({ capabilities: controllerRpcs.map((type) => ({ type: { case: "rpc", value: { type } } })) }),
    });

    router.service(csi.Node, {
      async nodeStageVolume(req) {
        await driver.node.stage({
          volumeId: req.volumeId,
          stagingPath: req.stagingTargetPath,
          capability: req.volumeCapability,
          publishContext: req.publishInfo,
        });
        return {};
      },
      async nodeUnstageVolume(req) {
        await driver.node.unstage({ volumeId: req.volumeId, stagingPath: req.stagingTargetPath });
        return {};
      },
      async nodePublishVolume(req) {
        await driver.node.publish({
          volumeId: req.volumeId,
          stagingPath: req.stagingTargetPath,
          targetPath: req.targetPath,
          capability: req.volumeCapability,
          readonly: req.readonly,
          publishContext: req.publishInfo,
        });
        return {};
      },
      async nodeUnpublishVolume(req) {
        await driver.node.unpublish({ volumeId: req.volumeId, targetPath: req.targetPath });
        return {};
      },
      nodeGetId: () => ({ nodeId: driver.nodeId }),
      nodeGetInfo: () => ({ nodeId: driver.nodeId }),
      nodeGetCapabilities: () => ({
        capabilities: driver.stageUnstage
          ? [{ type: { case: "rpc", value: { type: csi.NodeServiceCapability_RPC_Type.STAGE_UNSTAGE_VOLUME } } }]
          : [],
      }),
    });
  };
}
