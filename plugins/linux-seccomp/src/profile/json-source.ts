/**
 * A strict JSON reader that keeps numbers as their source text. JSON.parse turns 18446744073709551615
 * (a 64-bit mask Docker profiles use) into 18446744073709552000, silently changing what a rule
 * matches; here every number is a JsonNumber and the profile parser reads it exactly as a bigint.
 * It also reports duplicate keys (Docker keeps the last one; we do too, with a warning).
 */

export class JsonNumber {
  constructor(readonly text: string) {}
  /** The exact value if the text is an integer (no fraction, no exponent), else undefined. */
  toBigInt(): bigint | undefined {
    return /^-?(0|[1-9]\d*)$/.test(this.text) ? BigInt(this.text) : undefined;
  }
  toString(): string {
    return this.text;
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = "JsonSyntaxError";
  }
}

export interface JsonParseResult {
  value: JsonValue;
  /** Object keys that appeared twice, as JSON paths (`syscalls[3].action`). */
  duplicateKeys: string[];
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING_CHUNK = /[^"\\\u0000-\u001f]*/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export function parseJson(text: string): JsonParseResult {
  let pos = 0;
  const duplicateKeys: string[] = [];

  const fail = (message: string, at = pos): never => {
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    throw new JsonSyntaxError(message, line, at - before.lastIndexOf("\n"));
  };
  const skipWs = () => {
    while (pos < text.length && " \t\r\n".includes(text[pos]!)) pos++;
  };
  const describe = (at: number) => (at >= text.length ? "end of input" : `'${text[at]}'`);
  const expect = (ch: string) => {
    skipWs();
    if (text[pos] !== ch) fail(`expected '${ch}' but found ${describe(pos)}`);
    pos++;
  };

  const parseString = (): string => {
    pos++; // opening quote
    let out = "";
    for (;;) {
      STRING_CHUNK.lastIndex = pos;
      const chunk = STRING_CHUNK.exec(text)![0];
      out += chunk;
      pos += chunk.length;
      const ch = text[pos];
      if (ch === '"') return (pos++, out);
      if (ch === undefined) fail("unterminated string");
      if (ch !== "\\") fail("control character in string");
      const esc = text[pos + 1];
      if (esc === "u") {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else if (esc !== undefined && ESCAPES[esc] !== undefined) {
        out += ESCAPES[esc];
        pos += 2;
      } else fail(`bad escape '\\${esc ?? ""}'`);
    }
  };

  const parseValue = (path: string): JsonValue => {
    skipWs();
    const ch = text[pos];
    if (ch === "{") return parseObject(path);
    if (ch === "[") return parseArray(path);
    if (ch === '"') return parseString();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, pos)) return ((pos += word.length), value);
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) return ((pos += m[0].length), new JsonNumber(m[0]));
    return fail(`unexpected ${describe(pos)}`);
  };

  const parseObject = (path: string): JsonObject => {
    pos++;
    const obj: JsonObject = Object.create(null);
    skipWs();
    if (text[pos] === "}") return (pos++, obj);
    for (;;) {
      skipWs();
      if (text[pos] !== '"') fail(`expected a key string but found ${describe(pos)}`);
      const key = parseString();
      const keyPath = path ? `${path}.${key}` : key;
      if (Object.hasOwn(obj, key)) duplicateKeys.push(keyPath);
      expect(":");
      obj[key] = parseValue(keyPath);
      skipWs();
      if (text[pos] === ",") pos++;
      else if (text[pos] === "}") return (pos++, obj);
      else fail(`expected ',' or '}' but found ${describe(pos)}`);
    }
  };

  const parseArray = (path: string): JsonValue[] => {
    pos++;
    const arr: JsonValue[] = [];
    skipWs();
    if (text[pos] === "]") return (pos++, arr);
    for (;;) {
      arr.push(parseValue(`${path}[${arr.length}]`));
      skipWs();
      if (text[pos] === ",") pos++;
      else if (text[pos] === "]") return (pos++, arr);
      else fail(`expected ',' or ']' but found ${describe(pos)}`);
    }
  };

  const value = parseValue("");
  skipWs();
  if (pos < text.length) fail(`unexpected ${describe(pos)} after the JSON value`);
  return { value, duplicateKeys };
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

export function jsonTypeName(v: JsonValue | undefined): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof JsonNumber) return "a number";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}
