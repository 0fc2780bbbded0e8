/**
 * JSON text with pieces that are already encoded: a value tree is stringified as usual, except where
 * it holds `splice(...)`, which stands for that JSON as is, as text or as UTF-8 bytes. The state
 * views keep each task's JSON (task-encodings.ts) and each framework's lists of them as bytes, so a
 * view of 100,000 tasks costs stringifying the rest; `body` then sends the parts one after another
 * (byte-parts.ts) without joining them into one string and encoding that again (100 MB a read at scale).
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { ByteParts } from "./byte-parts.ts";

/** A part of JSON text: text, or its UTF-8 bytes. */
export type JsonPart = string | Uint8Array;

const decoder = new TextDecoder();

export class JsonText {
  private readonly pieces: (readonly JsonPart[])[] = [];
  /** Marks a place in the tree; unique to this text, so no other string in it can match. */
  private readonly nonce = `\u0000${Math.random().toString(36).slice(2)}:`;

  /** A place holder for `parts` (together valid JSON), to put anywhere a JSON value goes in the tree. */
  splice(...parts: JsonPart[]): JsonValue {
    return this.spliceParts(parts);
  }

  /** An array of JSON texts, each one part or several that together are one element. */
  array(texts: readonly (JsonPart | readonly JsonPart[])[]): JsonValue {
    const parts: JsonPart[] = ["["];
    texts.forEach((t, i) => {
      if (i > 0) parts.push(",");
      if (Array.isArray(t)) parts.push(...t);
      else parts.push(t as JsonPart);
    });
    parts.push("]");
    return this.spliceParts(parts);
  }

  private spliceParts(parts: readonly JsonPart[]): JsonValue {
    this.pieces.push(parts);
    return `${this.nonce}${this.pieces.length - 1}`;
  }

  /** The text as parts, in order, with no piece joined to another. */
  parts(value: JsonValue): JsonPart[] {
    const text = JSON.stringify(value);
    if (this.pieces.length === 0) return [text];
    // JSON.stringify writes the NUL of the nonce as `\u0000`.
    const marker = `"${JSON.stringify(this.nonce).slice(1, -1)}`;
    const parts = text.split(marker);
    const out: JsonPart[] = [parts[0]!];
    for (let i = 1; i < parts.length; i++) {
      const part = parts[i]!;
      const end = part.indexOf('"');
      for (const piece of this.pieces[Number(part.slice(0, end))]!) out.push(piece);
      out.push(part.slice(end + 1));
    }
    return out;
  }

  stringify(value: JsonValue): string {
    return this.parts(value)
      .map((p) => (typeof p === "string" ? p : decoder.decode(p)))
      .join("");
  }

  /** The text's UTF-8 bytes, made of the parts (an HTTP body without one giant string). */
  body(value: JsonValue): ByteParts {
    return ByteParts.of(this.parts(value));
  }
}
