import { describe, expect, test } from "bun:test";
import { JsonNumber, JsonSyntaxError, parseJson } from "./json-source.ts";

describe("parseJson", () => {
  test("keeps integers exact beyond 2^53 (JSON.parse would round them)", () => {
    const { value } = parseJson('{"v": 18446744073709551615, "w": 9007199254740993}');
    const obj = value as Record<string, JsonNumber>;
    expect(obj.v!.toBigInt()).toBe(18446744073709551615n);
    expect(obj.w!.toBigInt()).toBe(9007199254740993n);
    expect(JSON.parse('{"w": 9007199254740993}').w).toBe(9007199254740992);
  });

  test("reads strings with escapes, nested arrays, literals", () => {
    const { value } = parseJson('[ "a\\"\\u00e9\\n", [true, false, null], {"k": -1.5e3} ]');
    expect(value).toEqual(['a"é\n', [true, false, null], { k: new JsonNumber("-1.5e3") }]);
    expect(new JsonNumber("-1.5e3").toBigInt()).toBeUndefined();
  });

  test("reports duplicate keys by path", () => {
    expect(parseJson('{"a": [{"b": 1, "b": 2}]}').duplicateKeys).toEqual(["a[0].b"]);
  });

  test("syntax errors carry line and column", () => {
    const bad: [string, string][] = [
      ['{\n  "a": 1,\n  "b" 2\n}', "line 3, column 7: expected ':' but found '2'"],
      ['{"a": [1, 2}', "line 1, column 12: expected ',' or ']' but found '}'"],
      ['"abc', "line 1, column 5: unterminated string"],
      ["{'a': 1}", "line 1, column 2: expected a key string but found '''"],
      ["[01]", "line 1, column 3: expected ',' or ']' but found '1'"],
      ["", "line 1, column 1: unexpected end of input"],
    ];
    for (const [text, message] of bad) {
      let thrown: unknown;
      try {
        parseJson(text);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(JsonSyntaxError);
      expect((thrown as Error).message).toBe(message);
    }
  });
});
