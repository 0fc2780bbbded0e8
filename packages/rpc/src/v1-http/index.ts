/** The Mesos v1 HTTP transport: RecordIO, content negotiation, message bodies, answers. */
export { encodeRecord, readRecords, RecordIODecoder, recordioError } from "./recordio.ts";
export {
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
export { decodeMessage, encodeMessage, mesosJsonForSchema, missingRequiredFields } from "./message-codec.ts";
export { negotiateAccept, negotiateContentType, type Negotiated, type RequestContent, type ResponseMedia } from "./negotiate.ts";
export { readMessage, readMessageStream, type MessageStream } from "./request-body.ts";
export {
  emptyResponse,
  encodedResponse,
  errorResponse,
  HTTP_STATUS_OF,
  messageResponse,
  methodNotAllowed,
  type StatusOverrides,
  textResponse,
} from "./responses.ts";
export { streamResponse, type StreamResponseOptions } from "./stream-response.ts";
export { v1Endpoint, type V1EndpointOptions, type V1Request } from "./v1-endpoint.ts";
