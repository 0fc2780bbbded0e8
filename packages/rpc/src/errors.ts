/**
 * The one mapping between our error kinds and Connect codes, used by every server (interceptor) and
 * every client (so callers see MesosError kinds, not transport details).
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { type ErrorKind, MesosError } from "@mesos/core";

const TO_CODE: Record<ErrorKind, Code> = {
  invalid: Code.InvalidArgument,
  not_found: Code.NotFound,
  conflict: Code.AlreadyExists,
  failed_precondition: Code.FailedPrecondition,
  permission_denied: Code.PermissionDenied,
  unauthenticated: Code.Unauthenticated,
  unavailable: Code.Unavailable,
  unimplemented: Code.Unimplemented,
  too_large: Code.ResourceExhausted,
  internal: Code.Internal,
};

const FROM_CODE = new Map<Code, ErrorKind>(Object.entries(TO_CODE).map(([k, c]) => [c, k as ErrorKind]));

export function toConnectError(e: unknown): ConnectError {
  if (e instanceof ConnectError) return e;
  if (e instanceof MesosError) return new ConnectError(e.message, TO_CODE[e.kind], undefined, undefined, e);
  return new ConnectError(e instanceof Error ? e.message : String(e), Code.Internal, undefined, undefined, e);
}

export function fromConnectError(e: unknown): MesosError {
  if (e instanceof MesosError) return e;
  if (e instanceof ConnectError) return new MesosError(FROM_CODE.get(e.code) ?? "internal", e.rawMessage, { cause: e });
  return new MesosError("unavailable", e instanceof Error ? e.message : String(e), { cause: e });
}
