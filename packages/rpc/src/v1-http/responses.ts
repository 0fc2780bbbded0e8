/**
 * Answers of the v1 HTTP API: a message in the negotiated format, an empty status, or a plain-text
 * error. MesosError kinds map to HTTP statuses here, once for every v1 endpoint; an endpoint may
 * override a kind where Mesos answers differently (the scheduler API answers 400 for an unknown
 * framework).
 */
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { type ErrorKind, isMesosError } from "@mesos/core";
import { encodeMessage } from "./message-codec.ts";
import { MEDIA_TYPE_OF, type MessageFormat } from "./media-types.ts";

export const HTTP_STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  failed_precondition: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  conflict: 409,
  internal: 500,
  unimplemented: 501,
  too_large: 413,
  unavailable: 503,
};

export type StatusOverrides = Partial<Record<ErrorKind, number>>;

export function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

/** A thrown error as Mesos answers it: the mapped status and the message as plain text. */
export function errorResponse(e: unknown, overrides: StatusOverrides = {}, prefix = ""): Response {
  if (isMesosError(e)) return textResponse(overrides[e.kind] ?? HTTP_STATUS_OF[e.kind], prefix + e.message);
  return textResponse(500, e instanceof Error ? e.message : String(e));
}

/** libprocess's MethodNotAllowed: its body text and the Allow header. */
export function methodNotAllowed(method: string, allowed: readonly string[] = ["POST"]): Response {
  const body = `405 Method Not Allowed. Expecting one of { '${allowed.join("', '")}' }, but received '${method}'.`;
  return textResponse(405, body, { Allow: allowed.join(", ") });
}

export function emptyResponse(status: 200 | 202): Response {
  return new Response(null, { status });
}

export function messageResponse<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, format: MessageFormat): Response {
  return encodedResponse(encodeMessage(schema, message, format), format);
}

/** A 200 with a message already encoded in `format` (e.g. one encoding shared by concurrent readers). */
export function encodedResponse(bytes: Uint8Array, format: MessageFormat): Response {
  return new Response(bytes, { status: 200, headers: { "Content-Type": MEDIA_TYPE_OF[format] } });
}
