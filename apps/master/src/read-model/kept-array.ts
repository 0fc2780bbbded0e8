/**
 * A long list of kept element encodings (a state view's 10,000 agents, 1-2 KB each) as a few
 * blocks of bytes: each block is the encodings of `BLOCK` elements in a row joined together (in
 * JSON by commas, in protobuf each as a repeated field's entry), kept while its elements are the
 * same arrays (by identity: the read model keeps an element's encoding while it does not change,
 * memo.ts). A read then hands over a hundred or so arrays instead of 20,000 small ones, and copies
 * only the blocks with an element that changed (copying every agent's text into chunks on every
 * read was a quarter of a warm `/state`).
 */
import type { JsonPart } from "./json-text.ts";

/** Elements per block: about 100 KB of agents. */
const BLOCK = 64;
const COMMA = 0x2c;

interface Block {
  items: readonly Uint8Array[];
  bytes: Uint8Array;
}

function sameItems(block: Block | undefined, items: readonly Uint8Array[], from: number, to: number): boolean {
  if (block === undefined || block.items.length !== to - from) return false;
  for (let i = from; i < to; i++) if (block.items[i - from] !== items[i]) return false;
  return true;
}

export class KeptBlocks {
  private kept: Block[] = [];

  /** `join` writes a block of consecutive elements as one array. */
  constructor(private readonly join: (items: readonly Uint8Array[]) => Uint8Array) {}

  /** The blocks of `items`, in order: those whose elements are unchanged are the arrays of the last call. */
  blocks(items: readonly Uint8Array[]): Uint8Array[] {
    const blocks: Block[] = [];
    for (let from = 0, b = 0; from < items.length; from += BLOCK, b++) {
      const to = Math.min(from + BLOCK, items.length);
      const kept = this.kept[b];
      if (sameItems(kept, items, from, to)) blocks.push(kept!);
      else {
        const mine = items.slice(from, to);
        blocks.push({ items: mine, bytes: this.join(mine) });
      }
    }
    this.kept = blocks;
    return blocks.map((b) => b.bytes);
  }
}

/** JSON texts joined by commas. */
function joinWithCommas(texts: readonly Uint8Array[]): Uint8Array {
  let length = texts.length - 1;
  for (const t of texts) length += t.length;
  const out = new Uint8Array(length);
  let at = 0;
  texts.forEach((t, i) => {
    if (i > 0) out[at++] = COMMA;
    out.set(t, at);
    at += t.length;
  });
  return out;
}

/** A JSON array of kept texts. */
export class KeptArray {
  private readonly kept = new KeptBlocks(joinWithCommas);

  /** The JSON array of `texts`, as parts (json-text.ts `splice`). */
  parts(texts: readonly Uint8Array[]): JsonPart[] {
    const parts: JsonPart[] = ["["];
    this.kept.blocks(texts).forEach((block, i) => (i === 0 ? parts.push(block) : parts.push(",", block)));
    parts.push("]");
    return parts;
  }
}

/** One kept list per owner (a master's context) for one view. */
export function keptPer<T>(make: () => T): (owner: object) => T {
  const kept = new WeakMap<object, T>();
  return (owner) => {
    let list = kept.get(owner);
    if (!list) kept.set(owner, (list = make()));
    return list;
  };
}
