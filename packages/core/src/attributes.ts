/**
 * Agent attributes (`--attributes=rack:2;zone:a;ports:[1-5]`), parsed as Mesos does: a number is
 * a SCALAR, `[..]` RANGES, `{..}` a SET, anything else TEXT.
 */
import { create } from "@bufbuild/protobuf";
import { type Attribute, AttributeSchema, Value_Type } from "@mesos/proto";
import { invalid } from "./errors.ts";
import { parseRanges } from "./resources/ranges.ts";
import { parseSet } from "./resources/sets.ts";

export function parseAttributes(text: string | undefined): Attribute[] {
  const out: Attribute[] = [];
  for (const raw of (text ?? "").split(";")) {
    const token = raw.trim();
    if (token === "") continue;
    const colon = token.indexOf(":");
    if (colon <= 0) throw invalid(`Bad attribute '${token}': expected NAME:VALUE`);
    const name = token.slice(0, colon).trim();
    const value = token.slice(colon + 1).trim();
    try {
      if (value.startsWith("[")) {
        out.push(create(AttributeSchema, { name, type: Value_Type.RANGES, ranges: { range: parseRanges(value) } }));
      } else if (value.startsWith("{")) {
        out.push(create(AttributeSchema, { name, type: Value_Type.SET, set: { item: parseSet(value) } }));
      } else if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(value)) {
        out.push(create(AttributeSchema, { name, type: Value_Type.SCALAR, scalar: { value: Number(value) } }));
      } else {
        out.push(create(AttributeSchema, { name, type: Value_Type.TEXT, text: { value } }));
      }
    } catch (e) {
      throw invalid(`Bad attribute '${token}': ${(e as Error).message}`);
    }
  }
  return out;
}
