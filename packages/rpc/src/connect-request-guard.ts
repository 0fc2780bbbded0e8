/**
 * A check of every Connect request body before Connect parses it. Connect answers a garbled
 * protobuf body `internal` ("parse binary: premature EOF", an HTTP 500) and reads bodies of any size
 * and JSON of any depth; here the body is checked as it streams in, in every Connect, gRPC and
 * gRPC-web framing: each message over the size limit is `resource_exhausted`, a message that does
 * not decode or nests too deep is `invalid_argument`, with the same words the v1 HTTP API uses.
 * Messages that pass go on to Connect unchanged (one extra decode of each binary message).
 */
import { type DescMessage, fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type UniversalHandler,
  universalServerRequestFromFetch,
  universalServerResponseToFetch,
  type UniversalServerRequest,
} from "@connectrpc/connect/protocol";
import { checkJsonDepth, concatBytes, MAX_REQUEST_BODY_BYTES } from "./request-limits.ts";

interface BodyKind {
  /** Messages in 5-byte-header envelopes (streaming Connect, gRPC, gRPC-web), or the body is one message. */
  enveloped: boolean;
  binary: boolean;
}

const KINDS: Record<string, BodyKind> = {
  "application/proto": { enveloped: false, binary: true },
  "application/json": { enveloped: false, binary: false },
  "application/connect+proto": { enveloped: true, binary: true },
  "application/connect+json": { enveloped: true, binary: false },
  "application/grpc": { enveloped: true, binary: true },
  "application/grpc+proto": { enveloped: true, binary: true },
  "application/grpc+json": { enveloped: true, binary: false },
  "application/grpc-web": { enveloped: true, binary: true },
  "application/grpc-web+proto": { enveloped: true, binary: true },
  "application/grpc-web+json": { enveloped: true, binary: false },
};

const COMPRESSED_FLAG = 0b1;
const HEADER_BYTES = 5;

function tooLarge(limit: number): ConnectError {
  return new ConnectError(`Request body is larger than the limit of ${limit} bytes`, Code.ResourceExhausted);
}

function checkMessage(schema: DescMessage, bytes: Uint8Array, binary: boolean): void {
  try {
    if (binary) fromBinary(schema, bytes);
    else checkJsonDepth(bytes);
  } catch (e) {
    const what = binary ? `${schema.name} protobuf` : "JSON";
    throw new ConnectError(`Failed to parse body into ${what}: ${(e as Error).message}`, Code.InvalidArgument);
  }
}

/** An enveloped body, passed on one checked envelope at a time (client streams keep streaming). */
async function* guardEnvelopes(body: AsyncIterable<Uint8Array>, schema: DescMessage, binary: boolean, limit: number) {
  let parts: Uint8Array[] = [];
  let buffered = 0;
  for await (const chunk of body) {
    parts.push(chunk);
    buffered += chunk.length;
    while (buffered >= HEADER_BYTES) {
      let head = concatBytes(parts, buffered);
      const flags = head[0]!;
      const length = new DataView(head.buffer, head.byteOffset, head.length).getUint32(1);
      if (length > limit) throw tooLarge(limit);
      if (buffered < HEADER_BYTES + length) {
        parts = [head];
        break;
      }
      // Connect refuses compressed envelopes too (no compression is offered), but as `internal`.
      if (flags & COMPRESSED_FLAG) throw new ConnectError("Compressed messages are not accepted", Code.InvalidArgument);
      if (flags === 0) checkMessage(schema, head.subarray(HEADER_BYTES, HEADER_BYTES + length), binary);
      yield head.slice(0, HEADER_BYTES + length);
      head = head.subarray(HEADER_BYTES + length);
      parts = head.length > 0 ? [head] : [];
      buffered = head.length;
    }
  }
  // An incomplete envelope is Connect's to refuse ("protocol error: incomplete envelope").
  if (buffered > 0) yield concatBytes(parts, buffered);
}

/** A fetch handler for one Connect method whose request bodies are checked first. */
export function createGuardedFetchHandler(handler: UniversalHandler, limit = MAX_REQUEST_BODY_BYTES): (req: Request) => Promise<Response> {
  const schema = handler.method.input;
  return async (req) => {
    const kind = KINDS[(req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase()];
    const uReq: UniversalServerRequest = universalServerRequestFromFetch(req, {});
    if (kind?.enveloped && req.body) uReq.body = guardEnvelopes(uReq.body as AsyncIterable<Uint8Array>, schema, kind.binary, limit);
    return universalServerResponseToFetch(await handler(uReq));
  };
}
