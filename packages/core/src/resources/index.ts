export { Resources } from "./resources.ts";
export { copyMessage } from "./copy-message.ts";
export { parseResources, type ParseResourcesOptions } from "./parse.ts";
export { validateResource, validateResources } from "./validate.ts";
export { formatResource, formatValue, summarizeResources } from "./format.ts";
export { upgradeResource, downgradeResource, endpointResource, canDowngrade } from "./reservation-format.ts";
export {
  hasPlainIdentity,
  identityKey,
  isMergeable,
  isReserved,
  isUnreserved,
  reservationRole,
  isDynamicallyReserved,
  isStaticallyReserved,
  isPersistentVolume,
  isRevocable,
  isShared,
  quantityOf,
} from "./resource.ts";
export { validateRole, isStrictSubroleOf, ancestorRoles, topLevelRole } from "./roles.ts";
export { coalesce, addRanges, subtractRanges, rangesContain, countRanges, parseRanges, formatRanges, type Interval } from "./ranges.ts";
export { roundScalar, toFixed, fromFixed, addScalars, subtractScalars, SCALAR_PRECISION, validateInputScalarValue } from "./scalar.ts";
export { operationConversion, applyConversion, stripVolume, type Conversion } from "./operations.ts";
export { parseQuantities, parseMinAllocatable, quantitiesContain, formatQuantities, type Quantities } from "./quantities.ts";
export { csiMountPath, csiMountTargetPath, csiVolumeSegment, isMountDisk, persistentVolumePath } from "./volume-paths.ts";
