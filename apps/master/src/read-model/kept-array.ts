/**
 * A long JSON array of kept element texts (a state view's 10,000 agents, 1-2 KB each) as a few
 * blocks of bytes: each block is the texts of `BLOCK` elements in a row joined by commas, kept
 * while its elements are the same texts (by identity: the read model keeps an element's text while
 * it does not change, memo.ts). A read then hands over a hundred or so arrays instead of 20,000
 * small ones, and copies only the blocks with an element that changed (copying every agent's text
 * into chunks on every read was a quarter of a warm `/state`).
 */
import type { JsonPart } from "./json-text.ts";

/** Elements per block: about 100 KB of agents. */
const BLOCK = 64;
const COMMA = 0x2c;

interface Block {
  texts: readonly Uint8Array[];
  bytes: Uint8Array;
}

function sameTexts(block: Block | undefined, texts: readonly Uint8Array[], from: number, to: number): boolean {
  if (block === undefined || block.texts.length !== to - from) return false;
  for (let i = from; i < to; i++) if (block.texts[i - from] !== texts[i]) return false;
  return true;
}

function join(texts: readonly Uint8Array[]): Uint8Array {
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

export class KeptArray {
  private blocks: Block[] = [];

  /** The JSON array of `texts`, as parts (json-text.ts `splice`). */
  parts(texts: readonly Uint8Array[]): JsonPart[] {
    const blocks: Block[] = [];
    for (let from = 0, b = 0; from < texts.length; from += BLOCK, b++) {
      const to = Math.min(from + BLOCK, texts.length);
      const kept = this.blocks[b];
      if (sameTexts(kept, texts, from, to)) blocks.push(kept!);
      else {
        const mine = texts.slice(from, to);
        blocks.push({ texts: mine, bytes: join(mine) });
      }
    }
    this.blocks = blocks;
    const parts: JsonPart[] = ["["];
    blocks.forEach((block, i) => (i === 0 ? parts.push(block.bytes) : parts.push(",", block.bytes)));
    parts.push("]");
    return parts;
  }
}

/** One KeptArray per owner (a master's context) for one view's array. */
export function keptArrays(): (owner: object) => KeptArray {
  const kept = new WeakMap<object, KeptArray>();
  return (owner) => {
    let array = kept.get(owner);
    if (!array) kept.set(owner, (array = new KeptArray()));
    return array;
  };
}
