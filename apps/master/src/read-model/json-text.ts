/**
 * JSON text with pieces that are already text: a value tree is stringified as usual, except where
 * it holds `splice(text)`, which stands for that text as is. The state views keep each task's JSON
 * as text (task-encodings.ts), so a view of 100,000 tasks costs stringifying the rest plus one join.
 */
import type { JsonValue } from "@bufbuild/protobuf";

export class JsonText {
  private readonly pieces: string[] = [];
  /** Marks a place in the tree; unique to this text, so no other string in it can match. */
  private readonly nonce = `\u0000${Math.random().toString(36).slice(2)}:`;

  /** A place holder for `text` (valid JSON), to put anywhere a JSON value goes in the tree. */
  splice(text: string): JsonValue {
    this.pieces.push(text);
    return `${this.nonce}${this.pieces.length - 1}`;
  }

  /** An array of JSON texts. */
  array(texts: readonly string[]): JsonValue {
    return this.splice(`[${texts.join(",")}]`);
  }

  stringify(value: JsonValue): string {
    const text = JSON.stringify(value);
    if (this.pieces.length === 0) return text;
    // JSON.stringify writes the NUL of the nonce as `\u0000`.
    const marker = `"${JSON.stringify(this.nonce).slice(1, -1)}`;
    const parts = text.split(marker);
    const out = [parts[0]!];
    for (let i = 1; i < parts.length; i++) {
      const part = parts[i]!;
      const end = part.indexOf('"');
      out.push(this.pieces[Number(part.slice(0, end))]!, part.slice(end + 1));
    }
    return out.join("");
  }
}
