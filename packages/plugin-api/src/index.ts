/**
 * @mesos/plugin-api: what isolators are made of. The `Isolator` interface (Mesos's life cycle),
 * the ordered chain the agent runs, the launch-description merge, and both sides of isolator
 * plugins over Connect (`serveIsolator` for plugin authors, `connectIsolator` for the agent).
 * The contract test suite every isolator must pass is `@mesos/plugin-api/contract`.
 */
export {
  type ContainerConfig,
  type ContainerLaunchInfo,
  type ContainerLimitation,
  type ContainerState,
  type Isolator,
  type LaunchInfoInit,
  type LifeCycleStep,
  type LimitationInit,
  type MountInit,
  type StatisticsInit,
  type StatusInit,
  ISOLATOR_NAME,
  LIFE_CYCLE,
} from "./isolator.ts";
export { createIsolatorChain, isolatorError, type ChainOptions, type IsolatorChain, type Limitation } from "./chain.ts";
export { mergeLaunchInfos, toLaunchInfo, validateLaunchInfo, type LaunchInfoPart } from "./merge-launch-info.ts";
export {
  containerIdString,
  containerIdValueError,
  isNestedKey,
  nestedKey,
  ownValue,
  parentKey,
  parseContainerId,
  rootContainerId,
  rootKey,
} from "./container-id.ts";
export { ISOLATOR_API_VERSIONS, compareApiVersions, pickApiVersion, type IsolatorApiVersion } from "./versions.ts";
export { connectIsolator, socketPath, type RemoteIsolator, type RemoteIsolatorOptions } from "./remote-isolator.ts";
export { isolatorRoutes, serveIsolator, type ServeIsolatorOptions, type ServedIsolator } from "./serve-isolator.ts";
export { defineIsolatorPlugin, type IsolatorPlugin, type IsolatorPluginDeps } from "./isolator-plugin.ts";
