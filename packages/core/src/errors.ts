/**
 * The closed set of error kinds used across the project. Each boundary maps a kind once:
 * to a Connect code (rpc), an HTTP status (v1 HTTP API) or an exit code (CLI).
 */
export type ErrorKind =
  | "invalid" // the caller sent something malformed or not allowed
  | "not_found"
  | "conflict" // valid, but clashes with the current state (e.g. not enough resources)
  | "failed_precondition" // e.g. a call before SUBSCRIBE
  | "permission_denied"
  | "unauthenticated"
  | "unavailable" // try again later (not the leader, still recovering)
  | "unimplemented"
  | "too_large" // a request over a size limit (HTTP 413)
  | "internal";

export class MesosError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = "MesosError";
  }
}

export const invalid = (message: string, cause?: unknown) => new MesosError("invalid", message, { cause });
export const notFound = (message: string, cause?: unknown) => new MesosError("not_found", message, { cause });
export const conflict = (message: string, cause?: unknown) => new MesosError("conflict", message, { cause });
export const failedPrecondition = (message: string, cause?: unknown) => new MesosError("failed_precondition", message, { cause });
export const permissionDenied = (message: string, cause?: unknown) => new MesosError("permission_denied", message, { cause });
export const unavailable = (message: string, cause?: unknown) => new MesosError("unavailable", message, { cause });
export const unimplemented = (message: string, cause?: unknown) => new MesosError("unimplemented", message, { cause });
export const tooLarge = (message: string, cause?: unknown) => new MesosError("too_large", message, { cause });
export const internal = (message: string, cause?: unknown) => new MesosError("internal", message, { cause });

export function isMesosError(e: unknown, kind?: ErrorKind): e is MesosError {
  return e instanceof MesosError && (kind === undefined || e.kind === kind);
}

/** A message for any thrown value, for logs and error replies. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
