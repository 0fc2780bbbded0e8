/** The hostpath driver as CSI v1 services (csi.v1.Identity, Controller, Node). */
import type { ConnectRouter } from "@connectrpc/connect";
import * as csi from "@mesos/proto/csi/v1";
import type { Driver } from "./driver.ts";
import type { VolumeRecord } from "./volume-store.ts";

const RPC = csi.ControllerServiceCapability_RPC_Type;

export function v1Routes(driver: Driver) {
  const toVolume = (v: VolumeRecord) => ({ volumeId: v.id, capacityBytes: BigInt(v.capacity), volumeContext: { path: driver.dataPath(v) } });
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
        const publishContext = await driver.controller.controllerPublish({
          volumeId: req.volumeId,
          nodeId: req.nodeId,
          capability: req.volumeCapability,
        });
        return { publishContext };
      },
      async controllerUnpublishVolume(req) {
        await driver.controller.controllerUnpublish({ volumeId: req.volumeId, nodeId: req.nodeId });
        return {};
      },
      async validateVolumeCapabilities(req) {
        const why = await driver.controller.validate({ volumeId: req.volumeId, capabilities: req.volumeCapabilities, parameters: req.parameters });
        if (why) return { message: `Unsupported: ${why}` };
        return { confirmed: { volumeContext: req.volumeContext, volumeCapabilities: req.volumeCapabilities, parameters: req.parameters } };
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
          publishContext: req.publishContext,
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
          publishContext: req.publishContext,
        });
        return {};
      },
      async nodeUnpublishVolume(req) {
        await driver.node.unpublish({ volumeId: req.volumeId, targetPath: req.targetPath });
        return {};
      },
      nodeGetCapabilities: () => ({
        capabilities: driver.stageUnstage
          ? [{ type: { case: "rpc", value: { type: csi.NodeServiceCapability_RPC_Type.STAGE_UNSTAGE_VOLUME } } }]
          : [],
      }),
      nodeGetInfo: () => ({ nodeId: driver.nodeId }),
    });
  };
}
