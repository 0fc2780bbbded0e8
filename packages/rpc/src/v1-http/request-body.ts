/**
 * Reading calls from a v1 HTTP request body: the whole body as one message (a chunked body is
 * just read to its end), or an `application/recordio` body as a stream of messages that arrive
 * while the request is still being sent (ATTACH_CONTAINER_INPUT).
 */
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { invalid, isMesosError } from "@mesos/core";
import { MAX_REQUEST_BODY_BYTES, readBoundedBody } from "../request-limits.ts";
import { decodeMessage } from "./message-codec.ts";
import type { MessageFormat } from "./media-types.ts";
import { readRecords } from "./recordio.ts";

/** The body as one message; throws MesosError("invalid") with Mesos's parse messages, or "too_large" (413). */
export async function readMessage<Desc extends DescMessage>(req: Request, schema: Desc, format: MessageFormat): Promise<MessageShape<Desc>> {
  return decodeMessage(schema, await readBody(req), format);
}

/** The whole body; throws MesosError("invalid") when it cannot be read, or "too_large" (413). */
export async function readBody(req: Request): Promise<Uint8Array> {
  try {
    return await readBoundedBody(req);
  } catch (e) {
    if (isMesosError(e)) throw e;
    throw invalid(`Failed to read the request body: ${(e as Error).message}`, e);
  }
}

export interface MessageStream<T> {
  first: T;
  /** The messages after the first, decoded as their records complete; a bad record throws MesosError("invalid"). */
  rest: AsyncIterable<T>;
}

/** A RecordIO body: waits for the first record only. No record at all is "Received EOF while reading request body". */
export async function readMessageStream<Desc extends DescMessage>(
  req: Request,
  schema: Desc,
  format: MessageFormat,
): Promise<MessageStream<MessageShape<Desc>>> {
  const body: AsyncIterable<Uint8Array> = req.body ?? (async function* () {})();
  // A stream of input may run for hours; each record is bounded, not the whole.
  const records = readRecords(body, MAX_REQUEST_BODY_BYTES)[Symbol.asyncIterator]();
  const head = await records.next();
  if (head.done) throw invalid("Received EOF while reading request body");
  const first = decodeMessage(schema, head.value, format);
  async function* rest() {
    for (;;) {
      const next = await records.next();
      if (next.done) return;
      yield decodeMessage(schema, next.value, format);
    }
  }
  return { first, rest: rest() };
}
