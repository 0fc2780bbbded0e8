/**
 * Each outstanding offer's encodings in the state views, kept with the offer: an offer never
 * changes while it is outstanding, and a framework holding thousands of them (one that keeps
 * declining holds most agents' between two cycles, and one that keeps offers a while holds them
 * over many reads) had them all encoded again on every read. An encoding is made on first use and
 * dropped with the offer.
 */
import type { OfferRecord } from "../offers/offer-book.ts";

type Format = "v0" | "v1" | "binary";
type Encodings = { v0?: string; v1?: string; binary?: Uint8Array };

const kept = new WeakMap<OfferRecord, Encodings>();

/**
 * The offer's encoding in `format`, written by `encode` the first time: v0 JSON text (`/state`'s
 * frameworks' `offers`), Mesos's v1 JSON text, v1 protobuf bytes (as its encoder puts them in place).
 */
export function offerEncoding<F extends Format>(
  record: OfferRecord,
  format: F,
  encode: (record: OfferRecord) => NonNullable<Encodings[F]>,
): NonNullable<Encodings[F]> {
  let e = kept.get(record);
  if (!e) kept.set(record, (e = {}));
  return (e[format] ??= encode(record)) as NonNullable<Encodings[F]>;
}
