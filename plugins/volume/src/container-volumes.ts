/**
 * The volumes of a container's ContainerInfo, checked as Mesos checks them again on the agent
 * (`common::validation::validateVolume`: for volumes an old master let through): exactly one of
 * `host_path`, `image` and `source`, and a source of a known type carrying its own field.
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { invalid } from "@mesos/core";
import { ContainerInfo_Type, type Volume, Volume_Source_Type, VolumeSchema } from "@mesos/proto";
import type { ContainerConfig } from "@mesos/plugin-api";

/** The container's volumes, or none when it has no ContainerInfo; throws on a Docker container or an invalid volume. */
export function containerVolumes(config: ContainerConfig, notMesos = "Only support MESOS containers"): Volume[] {
  const info = config.containerInfo;
  if (!info) return [];
  if (info.type === ContainerInfo_Type.DOCKER) throw invalid(notMesos);
  for (const v of info.volumes) {
    const error = volumeError(v);
    if (error) throw invalid(`Invalid volume: ${error}`);
  }
  return info.volumes;
}

function volumeError(v: Volume): string | undefined {
  const count = [isFieldSet(v, VolumeSchema.field.hostPath), v.image !== undefined, v.source !== undefined].filter(Boolean).length;
  if (count !== 1) return "Only one of them should be set: 'host_path', 'image' and 'source'";
  const s = v.source;
  if (!s) return undefined;
  switch (s.type) {
    case Volume_Source_Type.DOCKER_VOLUME:
      return s.dockerVolume ? undefined : "'source.docker_volume' is not set for DOCKER_VOLUME volume";
    case Volume_Source_Type.HOST_PATH:
      return s.hostPath ? undefined : "'source.host_path' is not set for HOST_PATH volume";
    case Volume_Source_Type.SANDBOX_PATH:
      return s.sandboxPath ? undefined : "'source.sandbox_path' is not set for SANDBOX_PATH volume";
    case Volume_Source_Type.SECRET:
      return s.secret ? undefined : "'source.secret' is not set for SECRET volume";
    default:
      return "'source.type' is unknown";
  }
}
