/**
 * GET_FRAMEWORKS' frameworks for GET_STATE, with their offers put in as each offer's kept encoding
 * (read-model/offer-encodings.ts) instead of encoded again on every read: a framework that declines
 * holds thousands of offers between two allocation cycles. Each framework is encoded offered a
 * stand-in offer, which is cut out (as state-encoding.ts does for an agent's offered resources):
 * the bytes around it and the offers' own are, one after another, the framework's encoding.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { toMesosJsonText } from "@mesos/core";
import { master, OfferSchema } from "@mesos/proto";
import type { OfferRecord } from "../offers/offer-book.ts";
import type { FrameworkSummary } from "../read-model/master-projection.ts";
import { offerEncoding } from "../read-model/offer-encodings.ts";
import type { JsonPart } from "../read-model/json-text.ts";
import { frameworkView } from "./views.ts";

const FrameworkSchema = master.Response_GetFrameworks_FrameworkSchema;
const OFFERS_FIELD = FrameworkSchema.field.offers!.number;
/** Unique to this process, so nothing else in a framework's encoding can match it. */
const STAND_IN_ID = `\u0000offer:${Math.random().toString(36).slice(2)}`;
const STAND_IN = create(OfferSchema, { id: { value: STAND_IN_ID }, frameworkId: { value: "" }, agentId: { value: "" }, hostname: "" });
const STAND_IN_TEXT = toMesosJsonText(OfferSchema, STAND_IN);
const offersEntry = (offer: Uint8Array): Uint8Array => {
  const head = new BinaryWriter().tag(OFFERS_FIELD, WireType.LengthDelimited).uint32(offer.length).finish();
  const out = new Uint8Array(head.length + offer.length);
  out.set(head);
  out.set(offer, head.length);
  return out;
};
const STAND_IN_ENTRY = offersEntry(toBinary(OfferSchema, STAND_IN));
const offerText = (o: OfferRecord): string => offerEncoding(o, "v1", () => toMesosJsonText(OfferSchema, o.offer));
/** The offer as an entry of Framework's `offers`: its tag, length and bytes. */
const offerEntry = (o: OfferRecord): Uint8Array => offerEncoding(o, "binary", () => offersEntry(toBinary(OfferSchema, o.offer)));
const OFFERS_KEY = `,"${FrameworkSchema.field.offers!.name}":[`;

/** The framework as GetFrameworks.Framework's JSON text, in parts (json-text.ts). */
export function frameworkTextParts(summary: FrameworkSummary): JsonPart[] {
  const [before, after] = toMesosJsonText(FrameworkSchema, frameworkView(summary, [STAND_IN])).split(STAND_IN_TEXT) as [string, string];
  // An empty repeated field is left out, its key too.
  if (summary.offers.length === 0) return [before.slice(0, -OFFERS_KEY.length) + after.slice(1)];
  const parts: JsonPart[] = [before];
  summary.offers.forEach((o, i) => parts.push(i === 0 ? offerText(o) : `,${offerText(o)}`));
  parts.push(after);
  return parts;
}

/** The framework as GetFrameworks.Framework's protobuf bytes, in parts. */
export function frameworkBinaryParts(summary: FrameworkSummary): Uint8Array[] {
  const bytes = toBinary(FrameworkSchema, frameworkView(summary, [STAND_IN]));
  const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(STAND_IN_ENTRY);
  return [bytes.subarray(0, at), ...summary.offers.map(offerEntry), bytes.subarray(at + STAND_IN_ENTRY.length)];
}
