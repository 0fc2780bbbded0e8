/**
 * Which filter a container gets, from its own `ContainerInfo.LinuxInfo.SeccompInfo` (Mesos 1.8):
 * - no SeccompInfo: the agent's default profile (`--seccomp_profile_name`), or none if unset;
 * - `unconfined: true`: no filter;
 * - `profile_name`: that profile, relative to `--seccomp_config_dir`;
 * - both set: invalid; neither (or an empty name): invalid, "Missing Seccomp profile name".
 * Nested and DEBUG containers are decided the same way from their own ContainerInfo: there is no
 * inheritance from the parent (Mesos forks them from the agent; they only join its namespaces).
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { invalid } from "@mesos/core";
import { type ContainerInfo, SeccompInfoSchema } from "@mesos/proto";

export type SeccompChoice = { kind: "default" } | { kind: "unconfined" } | { kind: "profile"; name: string };

export function seccompChoice(container: ContainerInfo | undefined): SeccompChoice {
  const info = container?.linuxInfo?.seccomp;
  if (!info) return { kind: "default" };
  const hasName = isFieldSet(info, SeccompInfoSchema.field.profileName);
  if (info.unconfined) {
    if (hasName) {
      throw invalid(
        `SeccompInfo sets both 'profile_name' ('${info.profileName}') and 'unconfined': a container is either confined by a profile or unconfined`,
      );
    }
    return { kind: "unconfined" };
  }
  if (!hasName || info.profileName.trim() === "") {
    throw invalid("Missing Seccomp profile name: SeccompInfo needs a non-empty 'profile_name' or 'unconfined: true'");
  }
  return { kind: "profile", name: info.profileName };
}
