/**
 * Validation of RESERVE, UNRESERVE, CREATE, DESTROY, GROW_VOLUME, SHRINK_VOLUME, CREATE_DISK and DESTROY_DISK (Mesos's
 * validation::operation), for frameworks (with their roles, principal and capabilities) and for
 * operators (no framework). Returns the reason an operation is invalid, or undefined.
 */
import { isFieldSet } from "@bufbuild/protobuf";
import {
  formatResource,
  isDynamicallyReserved,
  isPersistentVolume,
  isRevocable,
  isUnreserved,
  reservationRole,
  type Resources,
  validateResources,
} from "@mesos/core";
import {
  AgentInfo_Capability_Type,
  FrameworkInfo_Capability_Type,
  type Offer_Operation,
  Offer_Operation_CreateDiskSchema,
  Offer_Operation_Type,
  type Resource,
  Resource_DiskInfo_Source_Type,
  type Task,
  Volume_Mode,
} from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import type { Framework } from "../frameworks/framework.ts";

export interface OperationContext {
  framework?: Framework;
  agent: Agent;
  /** Persistent volumes already on the agent (for CREATE's unique ids). */
  agentTotal: Resources;
  /** The tasks on the agent (a volume in use cannot be destroyed). */
  agentTasks: readonly Task[];
}

export function validateOperation(op: Offer_Operation, ctx: OperationContext): string | undefined {
  switch (op.type) {
    case Offer_Operation_Type.RESERVE:
      return validateReserve(op.reserve?.resources ?? [], ctx);
    case Offer_Operation_Type.UNRESERVE:
      return validateUnreserve(op.unreserve?.resources ?? [], ctx);
    case Offer_Operation_Type.CREATE:
      return validateCreate(op.create?.volumes ?? [], ctx);
    case Offer_Operation_Type.DESTROY:
      return validateDestroy(op.destroy?.volumes ?? [], ctx);
    case Offer_Operation_Type.GROW_VOLUME:
    case Offer_Operation_Type.SHRINK_VOLUME:
      return validateResize(op, ctx);
    case Offer_Operation_Type.CREATE_DISK:
      return validateCreateDisk(op, ctx);
    case Offer_Operation_Type.DESTROY_DISK:
      return validateDestroyDisk(op, ctx);
    default:
      return `Unsupported operation ${Offer_Operation_Type[op.type] ?? op.type}`;
  }
}

function common(resources: readonly Resource[], _ctx: OperationContext): string | undefined {
  if (resources.length === 0) return "No resources specified";
  return validateResources(resources);
}

/** The framework may only act on reservations of its own roles, with its own principal. */
function checkRoleAndPrincipal(r: Resource, ctx: OperationContext, verb: string): string | undefined {
  const f = ctx.framework;
  if (!f) return undefined;
  const role = reservationRole(r);
  if (!f.roles.includes(role)) return `Cannot ${verb} resources of role '${role}': the framework is not subscribed to it`;
  const top = r.reservations[r.reservations.length - 1];
  if (top?.principal && f.info.principal && top.principal !== f.info.principal) {
    return `A ${verb} operation was attempted by principal '${f.info.principal}', which does not match the reservation's principal '${top.principal}'`;
  }
  return undefined;
}

function validateReserve(resources: readonly Resource[], ctx: OperationContext): string | undefined {
  const error = common(resources, ctx);
  if (error) return error;
  for (const r of resources) {
    if (!isDynamicallyReserved(r)) return `Resource '${r.name}' must carry a dynamic reservation to be reserved`;
    if (isPersistentVolume(r)) return "Persistent volumes cannot be reserved";
    if (isRevocable(r)) return "Revocable resources cannot be reserved";
    if (r.reservations.length > 1 && ctx.framework && !ctx.framework.hasCapability(FrameworkInfo_Capability_Type.RESERVATION_REFINEMENT)) {
      return "Refined reservations need the RESERVATION_REFINEMENT capability";
    }
    const roleError = checkRoleAndPrincipal(r, ctx, "reserve");
    if (roleError) return roleError;
  }
  return undefined;
}

function validateUnreserve(resources: readonly Resource[], ctx: OperationContext): string | undefined {
  const error = common(resources, ctx);
  if (error) return error;
  for (const r of resources) {
    if (!isDynamicallyReserved(r)) return `Resource '${r.name}' is not dynamically reserved`;
    if (isPersistentVolume(r)) return "A persistent volume cannot be unreserved: DESTROY it first";
    const roleError = checkRoleAndPrincipal(r, ctx, "unreserve");
    if (roleError) return roleError;
  }
  return undefined;
}

function volumeIds(resources: Iterable<Resource>): Set<string> {
  return new Set([...resources].filter(isPersistentVolume).map((r) => r.disk!.persistence!.id));
}

function validateCreate(volumes: readonly Resource[], ctx: OperationContext): string | undefined {
  const error = common(volumes, ctx);
  if (error) return error;
  const existing = volumeIds(ctx.agentTotal);
  const seen = new Set<string>();
  for (const v of volumes) {
    const id = v.disk?.persistence?.id;
    if (!id) return `Resource '${v.name}' is not a persistent volume (DiskInfo.persistence with an id is required)`;
    if (!v.disk?.volume?.containerPath) return `Persistent volume '${id}' has no 'volume.container_path'`;
    if (v.disk.volume.mode !== Volume_Mode.RW) return `Persistent volume '${id}' must be read-write (RW)`;
    if (isUnreserved(v)) return `Persistent volume '${id}' cannot be created from unreserved resources`;
    if (isRevocable(v)) return `Persistent volume '${id}' cannot be created from revocable resources`;
    if (existing.has(id) || seen.has(id)) return `Persistence ID '${id}' is already in use on agent ${ctx.agent.id}`;
    seen.add(id);
    if (v.shared && ctx.framework && !ctx.framework.hasCapability(FrameworkInfo_Capability_Type.SHARED_RESOURCES)) {
      return `Persistent volume '${id}' is shared, which needs the SHARED_RESOURCES capability`;
    }
    const roleError = checkRoleAndPrincipal(v, ctx, "create");
    if (roleError) return roleError;
  }
  return undefined;
}

function validateDestroy(volumes: readonly Resource[], ctx: OperationContext): string | undefined {
  const error = common(volumes, ctx);
  if (error) return error;
  for (const v of volumes) {
    const id = v.disk?.persistence?.id;
    if (!id) return `Resource '${v.name}' is not a persistent volume`;
    for (const task of ctx.agentTasks) {
      if (task.resources.some((r) => r.disk?.persistence?.id === id)) {
        return `Persistent volume '${id}' is in use by task ${task.taskId!.value}`;
      }
    }
  }
  return undefined;
}

const DISK = Resource_DiskInfo_Source_Type;

/** Common to CREATE_DISK and DESTROY_DISK: a valid disk of a resource provider of an agent that has them. */
function validateProviderDisk(source: Resource | undefined, ctx: OperationContext): string | undefined {
  if (!source) return "'source' is missing";
  const error = validateResources([source]);
  if (error) return `Invalid resource: ${error}`;
  if (!source.providerId) return "'source' is not managed by a resource provider";
  if (!ctx.agent.hasCapability(AgentInfo_Capability_Type.RESOURCE_PROVIDER)) {
    return `Agent ${ctx.agent.id} has no resource providers (no RESOURCE_PROVIDER capability)`;
  }
  if (!ctx.agent.resourceProviders.has(source.providerId.value))
    return `Resource provider ${source.providerId.value} is not on agent ${ctx.agent.id}`;
  return undefined;
}

function validateCreateDisk(op: Offer_Operation, ctx: OperationContext): string | undefined {
  const createDisk = op.createDisk;
  const source = createDisk?.source;
  const error = validateProviderDisk(source, ctx);
  if (error) return error;
  if (source!.disk?.source?.type !== DISK.RAW) return "'source' is not a RAW disk resource";
  if (createDisk!.targetType !== DISK.MOUNT && createDisk!.targetType !== DISK.BLOCK) return "'target_type' is neither MOUNT or BLOCK";
  const hasProfile = !!source!.disk.source.profile;
  const hasTarget = isFieldSet(createDisk!, Offer_Operation_CreateDiskSchema.field.targetProfile);
  if (hasProfile === hasTarget) {
    return hasTarget ? "'target_profile' must not be set when 'source' has a profile" : "'target_profile' must be set when 'source' has no profile";
  }
  return undefined;
}

function validateDestroyDisk(op: Offer_Operation, ctx: OperationContext): string | undefined {
  const source = op.destroyDisk?.source;
  const error = validateProviderDisk(source, ctx);
  if (error) return error;
  const type = source!.disk?.source?.type;
  if (type !== DISK.MOUNT && type !== DISK.BLOCK && type !== DISK.RAW) return "'source' is neither a MOUNT, BLOCK or RAW disk resource";
  if (!source!.disk!.source!.id) return "'source' is not backed by a CSI volume";
  const volumeId = source!.disk!.source!.id;
  for (const task of ctx.agentTasks) {
    if (task.resources.some((r) => r.providerId?.value === source!.providerId!.value && r.disk?.source?.id === volumeId)) {
      return `Disk '${volumeId}' is in use by task ${task.taskId!.value}`;
    }
  }
  if (isPersistentVolume(source!)) {
    return `A disk resource containing a persistent volume ${formatResource(source!)} cannot be destroyed directly. Please destroy the persistent volume first then destroy the disk resource`;
  }
  return undefined;
}

function validateResize(op: Offer_Operation, ctx: OperationContext): string | undefined {
  const grow = op.type === Offer_Operation_Type.GROW_VOLUME;
  const volume = grow ? op.growVolume?.volume : op.shrinkVolume?.volume;
  if (!volume || !isPersistentVolume(volume)) return `${grow ? "GROW" : "SHRINK"}_VOLUME needs a persistent volume`;
  if (volume.providerId) return `${grow ? "GROW" : "SHRINK"}_VOLUME is not supported on resource provider resources`;
  if (volume.shared) return "Shared persistent volumes cannot be resized";
  if (!ctx.agent.hasCapability(AgentInfo_Capability_Type.RESIZE_VOLUME))
    return `Agent ${ctx.agent.id} cannot resize volumes (no RESIZE_VOLUME capability)`;
  const error = validateResources([volume]);
  if (error) return error;
  if (grow) {
    const addition = op.growVolume?.addition;
    if (addition?.name !== "disk" || addition.disk || !((addition.scalar?.value ?? 0) > 0)) {
      return "GROW_VOLUME needs an 'addition' of plain disk greater than 0";
    }
    if (reservationRole(addition) !== reservationRole(volume)) return "GROW_VOLUME's addition must be reserved like the volume";
  } else {
    const subtract = op.shrinkVolume?.subtract?.value ?? 0;
    if (!(subtract > 0) || subtract >= (volume.scalar?.value ?? 0)) return "SHRINK_VOLUME's 'subtract' must be above 0 and below the volume's size";
  }
  return checkRoleAndPrincipal(volume, ctx, grow ? "grow" : "shrink");
}
