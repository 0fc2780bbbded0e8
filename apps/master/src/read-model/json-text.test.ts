import { expect, test } from "bun:test";
import type { JsonValue } from "@bufbuild/protobuf";
import { JsonText } from "./json-text.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

test("a text of spliced parts (text and bytes) has the bytes JSON.stringify writes of the whole value", async () => {
  const tasks: JsonValue[] = [
    { id: "t1", name: "ünï 任务 😀" },
    { id: "t2", name: 'quote " and \\ and \u0001' },
  ];
  const agents: JsonValue[] = [{ id: "a1" }, { id: "a2", hostname: "höst" }];
  const plain: JsonValue = { version: "1.8", slaves: agents, frameworks: [{ name: "fw ✓", tasks, completed_tasks: [] }], empty: [] };
  const text = new JsonText();
  const tree: JsonValue = {
    version: "1.8",
    slaves: text.array(agents.map((a, i) => (i === 0 ? JSON.stringify(a) : utf8(JSON.stringify(a))))),
    frameworks: [{ name: "fw ✓", tasks: text.splice(utf8(JSON.stringify(tasks))), completed_tasks: text.splice("[", "]") }],
    empty: text.array([]),
  };
  const expected = utf8(JSON.stringify(plain));
  expect(text.parts(tree).length).toBeGreaterThan(3);
  expect(text.body(tree).bytes()).toEqual(expected);
  expect(text.stringify(tree)).toBe(JSON.stringify(plain));
});
