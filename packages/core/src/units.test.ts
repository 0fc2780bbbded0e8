import { expect, test } from "bun:test";
import { formatBytes, formatDuration, parseBytes, parseDuration } from "./units.ts";

test("durations parse and format in Mesos's units", () => {
  expect(parseDuration("15secs")).toBe(15_000);
  expect(parseDuration("10mins")).toBe(600_000);
  expect(parseDuration("0.5secs")).toBe(500);
  expect(parseDuration("100ms")).toBe(100);
  expect(parseDuration("2hrs")).toBe(7_200_000);
  expect(formatDuration(15_000)).toBe("15secs");
  expect(formatDuration(600_000)).toBe("10mins");
  expect(formatDuration(1500)).toBe("1500ms");
  expect(() => parseDuration("15")).toThrow("Invalid duration '15'");
  expect(() => parseDuration("-1secs")).toThrow("Invalid duration");
  // Mesos keeps int64 nanoseconds: about 292 years at most.
  expect(parseDuration("15000weeks")).toBe(15000 * 604_800_000);
  expect(() => parseDuration("99999999999weeks")).toThrow("longer than a duration can be");
});

test("byte sizes parse and format", () => {
  expect(parseBytes("32MB")).toBe(32 * 1024 * 1024);
  expect(parseBytes("1GB")).toBe(1024 ** 3);
  expect(formatBytes(2048)).toBe("2KB");
  expect(() => parseBytes("12")).toThrow("Invalid byte size '12'");
  expect(() => parseBytes(`${"9".repeat(400)}TB`)).toThrow("larger than 16EB");
});
