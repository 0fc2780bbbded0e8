import { expect, test } from "bun:test";
import { join } from "node:path";
import { lineBuffer } from "./line-buffer.ts";
import { createLogger } from "./log.ts";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

test("a turn's lines are written together, once, on the next turn", async () => {
  const writes: string[] = [];
  const buffer = lineBuffer((text) => writes.push(text));
  buffer.push("one");
  buffer.push("two");
  expect(writes).toEqual([]);
  await nextTurn();
  expect(writes).toEqual(["one\ntwo\n"]);
  buffer.push("three");
  await nextTurn();
  await nextTurn();
  expect(writes).toEqual(["one\ntwo\n", "three\n"]);
});

test("an error line is written at once, after the lines before it", () => {
  const writes: string[] = [];
  const buffer = lineBuffer((text) => writes.push(text));
  const log = createLogger({ name: "t", sink: (l) => buffer.push(l), flush: () => buffer.flush(), now: () => 0 });
  log.info("before");
  expect(writes).toEqual([]);
  log.error("failed");
  expect(writes).toEqual(["I1970-01-01T00:00:00.000Z t] before\nE1970-01-01T00:00:00.000Z t] failed\n"]);
});

/** Runs a script that logs to stderr with the default logger, and returns its stderr. */
async function stderrOf(script: string): Promise<string> {
  const log = join(import.meta.dir, "log.ts");
  const proc = Bun.spawn([process.execPath, "-e", `import { createLogger } from ${JSON.stringify(log)};\n${script}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const text = await new Response(proc.stderr).text();
  await proc.exited;
  return text;
}

test("the lines of the last turn reach stderr when the process exits in it", async () => {
  const text = await stderrOf(`const log = createLogger({ name: "m" }); log.info("first"); log.warn("last"); process.exit(0);`);
  expect(text).toMatch(/^I\S+ m\] first\nW\S+ m\] last\n$/);
});

test("and when an uncaught exception ends it", async () => {
  const text = await stderrOf(`const log = createLogger({ name: "m" }); log.info("before the crash"); throw new Error("crash");`);
  expect(text).toMatch(/I\S+ m\] before the crash\n/);
  expect(text).toContain("crash");
});
