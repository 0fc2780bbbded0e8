import { expect, test } from "bun:test";
import { ManualClock } from "./clock.ts";
import { createLogger } from "./log.ts";
import { createLoggingLevel } from "./logging-level.ts";

test("a verbosity above 0 writes debug lines (children too) until it reverts", () => {
  const lines: string[] = [];
  const log = createLogger({ name: "m", level: "info", sink: (l) => lines.push(l) });
  const child = log.child("c");
  const clock = new ManualClock();
  const level = createLoggingLevel({ log, clock });
  child.debug("hidden");
  level.set(1, 1000);
  child.debug("shown");
  clock.advance(1000);
  child.debug("hidden again");
  expect(lines.map((l) => l.slice(l.indexOf("]") + 2))).toEqual(["shown"]);
  expect(level.level()).toBe(0);
});
