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

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (!first) return;
        if (first.done) {
          controller.close();
          finish();
        } else controller.enqueue(encodeRecord(encode(first.value)));
      },
      async pull(controller) {
        if (finished) return;
        try {
          const next = await iterator.next();
          if (finished) return;
          if (next.done) {
            controller.close();
            finish();
          } else controller.enqueue(encodeRecord(encode(next.value)));
        } catch (e) {
          controller.error(e);
          finish();
        }
      },
      cancel() {
        finish();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: options.headers() });
}
