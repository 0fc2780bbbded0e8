/**
 * Content negotiation of the v1 HTTP API, in Mesos's order and words. Every endpoint takes JSON
 * and protobuf; the agent's API also takes `application/recordio` (a stream of records, each in the
 * `Message-Content-Type` format) and can answer with it (records in the `Message-Accept` format,
 * JSON by default). Without `recordio`, Message-* headers are ignored, as the master ignores them.
 */
import {
  acceptsMediaType,
  APPLICATION_JSON,
  APPLICATION_PROTOBUF,
  APPLICATION_RECORDIO,
  MEDIA_TYPE_OF,
  MESSAGE_ACCEPT,
  MESSAGE_CONTENT_TYPE,
  type MessageFormat,
  mediaTypeOf,
  messageFormatOf,
  preferredFormat,
} from "./media-types.ts";
import { textResponse } from "./responses.ts";

export interface RequestContent {
  /** `application/recordio`: the body is a stream of records; otherwise one message. */
  streaming: boolean;
  /** The format of the message (or of each record). */
  format: MessageFormat;
}

export interface ResponseMedia {
  /** The answer's Content-Type. */
  mediaType: string;
  /** `application/recordio` was chosen: a streamed answer names its records' format in Message-Content-Type. */
  streaming: boolean;
  /** The format of the message (or of each record). */
  format: MessageFormat;
}

export type Negotiated<T> = { ok: true; value: T } | { ok: false; response: Response };

export interface NegotiationOptions {
  recordio: boolean;
}

const BOTH = `${APPLICATION_JSON} or ${APPLICATION_PROTOBUF}`;
const all = (o: NegotiationOptions) => (o.recordio ? `${BOTH} or ${APPLICATION_RECORDIO}` : BOTH);
const fail = (status: number, text: string): Negotiated<never> => ({ ok: false, response: textResponse(status, text) });

/** 400 without Content-Type, 415 for one not spoken (or a Message-Content-Type that does not fit). */
export function negotiateContentType(headers: Headers, options: NegotiationOptions): Negotiated<RequestContent> {
  const contentType = headers.get("Content-Type");
  if (contentType === null) return fail(400, "Expecting 'Content-Type' to be present");
  const format = messageFormatOf(contentType);
  const messageContentType = headers.get(MESSAGE_CONTENT_TYPE);
  if (format) {
    if (options.recordio && messageContentType !== null) {
      return fail(415, `Expecting '${MESSAGE_CONTENT_TYPE}' to be not set for non-streaming requests`);
    }
    return { ok: true, value: { streaming: false, format } };
  }
  if (!options.recordio || mediaTypeOf(contentType) !== APPLICATION_RECORDIO) {
    return fail(415, `Expecting 'Content-Type' of ${all(options)}`);
  }
  if (messageContentType === null) return fail(400, `Expecting '${MESSAGE_CONTENT_TYPE}' to be set for streaming requests`);
  const messageFormat = messageFormatOf(messageContentType);
  if (!messageFormat) return fail(415, `Expecting '${MESSAGE_CONTENT_TYPE}' of ${BOTH}`);
  return { ok: true, value: { streaming: true, format: messageFormat } };
}

/** 406 unless Accept allows a type spoken here (JSON preferred, as in Mesos), and Message-Accept fits. */
export function negotiateAccept(headers: Headers, options: NegotiationOptions): Negotiated<ResponseMedia> {
  const accept = headers.get("Accept");
  const messageAccept = headers.get(MESSAGE_ACCEPT);
  const format = preferredFormat(accept);
  if (format) {
    if (options.recordio && messageAccept !== null) {
      return fail(406, `Expecting '${MESSAGE_ACCEPT}' to be not set for non-streaming responses`);
    }
    return { ok: true, value: { mediaType: MEDIA_TYPE_OF[format], streaming: false, format } };
  }
  if (!options.recordio || !acceptsMediaType(accept, APPLICATION_RECORDIO)) {
    // Mesos's texts: the agent API's lists its three types; the others quote protobuf first.
    return fail(406, `Expecting 'Accept' to allow ${options.recordio ? all(options) : `'${APPLICATION_PROTOBUF}' or '${APPLICATION_JSON}'`}`);
  }
  const messageFormat = preferredFormat(messageAccept);
  if (!messageFormat) return fail(406, `Expecting '${MESSAGE_ACCEPT}' to allow ${BOTH}`);
  return { ok: true, value: { mediaType: APPLICATION_RECORDIO, streaming: true, format: messageFormat } };
}
