import { expect, test } from "bun:test";
import { ByteParts } from "./byte-parts.ts";
import { KeptArray } from "./kept-array.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const json = (parts: ReturnType<KeptArray["parts"]>) => new TextDecoder().decode(ByteParts.of(parts).bytes());
const blocksOf = (parts: ReturnType<KeptArray["parts"]>) => parts.filter((p) => p instanceof Uint8Array);

test("a JSON array of the texts, in blocks kept while their elements are the same texts", () => {
  const texts = Array.from({ length: 200 }, (_, i) => utf8(JSON.stringify({ id: `agent-${i}`, name: i % 7 === 0 ? "ünï 😀" : "a" })));
  const plain = (ts: Uint8Array[]) => `[${ts.map((t) => new TextDecoder().decode(t)).join(",")}]`;
  const kept = new KeptArray();
  const first = kept.parts(texts);
  expect(json(first)).toBe(plain(texts));
  expect(JSON.parse(json(first))).toHaveLength(200);

  // One element changes: its block is joined again, the others are the same arrays as before.
  const changed = [...texts];
  changed[70] = utf8(JSON.stringify({ id: "agent-70", name: "changed" }));
  const second = kept.parts(changed);
  expect(json(second)).toBe(plain(changed));
  const [before, after] = [blocksOf(first), blocksOf(second)];
  expect(after).toHaveLength(before.length);
  expect(after.filter((b, i) => b !== before[i])).toHaveLength(1);

  // Elements added or gone, and none.
  expect(json(kept.parts(changed.slice(0, 150)))).toBe(plain(changed.slice(0, 150)));
  expect(json(kept.parts([...changed, utf8("{}")]))).toBe(plain([...changed, utf8("{}")]));
  expect(json(kept.parts([]))).toBe("[]");
  expect(json(kept.parts([utf8("1")]))).toBe("[1]");
});
