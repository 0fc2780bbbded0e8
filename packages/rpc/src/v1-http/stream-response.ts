/**
 * A streamed v1 HTTP answer: 200, chunked, one RecordIO record per item, each written as soon as
 * the source yields it. When the client goes away the source's AbortController is aborted and the
 * source is closed, so subscriptions end with their connection.
 */
import { encodeRecord } from "./recordio.ts";

export interface StreamResponseOptions<T> {
  /** One item's bytes (the record's payload). */
  encode(item: T): Uint8Array;
  /** The answer's headers; called once the stream is open (a stream id may be known only then). */
  headers(): Record<string, string>;
  /** Aborted when the stream ends for any reason (client gone, source done or failed); hand its signal to the source. */
  abort: AbortController;
  /** The request, whose own abort signal also ends the stream. */
  request?: Request;
  /**
   * Pull the first item before answering, so that an error thrown while the source sets itself up
   * (a bad call, an unknown framework) rejects this promise and can become an error status. Leave
   * it off for a source that may stay silent for long but is known to be valid.
   */
  awaitFirst?: boolean;
}

export async function streamResponse<T>(source: AsyncIterable<T>, options: StreamResponseOptions<T>): Promise<Response> {
  const { abort, encode } = options;
  const iterator = source[Symbol.asyncIterator]();
  const first = options.awaitFirst ? await iterator.next() : undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    options.request?.signal.removeEventListener("abort", onRequestAbort);
    abort.abort();
    void iterator.return?.()?.catch(() => {});
  };

  const onRequestAbort = () => finish();
  options.request?.signal.addEventListener("abort", onRequestAbort, { once: true });
  // The client may have gone while the first item was awaited.
  if (options.request?.signal.aborted) finish();

  // A "direct" stream, flushed after each record: every record goes out as an HTTP chunk of its own,
  // as libprocess writes them. Clients for Mesos (mesos-framework's scheduler and executor) read one
  // record per chunk; a plain ReadableStream lets Bun join records that are ready together.
  const body = new ReadableStream({
    type: "direct",
    async pull(controller: ReadableStreamDirectController) {
      try {
        let next = first ?? (await iterator.next());
        while (!finished && !next.done) {
          controller.write(encodeRecord(encode(next.value)));
          await controller.flush();
          if (finished) break;
          next = await iterator.next();
        }
        if (!finished) controller.close();
      } catch (e) {
        if (!finished) controller.close(e instanceof Error ? e : new Error(String(e)));
      } finally {
        finish();
      }
    },
    cancel() {
      finish();
    },
  });
  return new Response(body, { status: 200, headers: options.headers() });
}
