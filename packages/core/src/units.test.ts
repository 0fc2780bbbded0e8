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
  expect(() => parseDuration("15")).toThrow("Invalid duration '15'");
  expect(() => parseDuration("-1secs")).toThrow("Invalid duration");
  // Mesos keeps int64 nanoseconds: about 292 years at most.
  expect(parseDuration("15000weeks")).toBe(15000 * 604_800_000);
  expect(() => parseDuration("99999999999weeks")).toThrow("longer than a duration can be");
});

// stout's DurationTest.OutputFormat (3rdparty/stout/tests/duration_tests.cpp), in milliseconds.
test("durations print as stout prints them", () => {
  const cases: [number, string][] = [
    [1e-6, "1ns"],
    [2e-6, "2ns"],
    // Duration::create(3.14159265358979): whole nanoseconds, 15 significant digits.
    [3141.592653, "3.141592653secs"],
    [3140, "3140ms"],
    [36_000_000, "10hrs"],
    [-36_000_000, "-10hrs"],
    // "10days" reads better than "1.42857142857143weeks": one unit down when that is whole.
    [10 * 86_400_000, "10days"],
    // Not whole one unit down either: a fraction of the larger unit.
    [86_400_000 + 4 * 3_600_000 + 30 * 60_000, "1.1875days"],
    [14 * 86_400_000, "2weeks"],
    [0, "0ns"],
    // Duration::max() and min(): int64 nanoseconds (9223372036854775807) as near as a double gets.
    [9_223_372_036_854.775, "15250.2844524715weeks"],
    [-9_223_372_036_854.775, "-15250.2844524715weeks"],
    // More, checked against stout's operator<< compiled as it is in Mesos 1.8.
    [1500, "1500ms"],
    [90_000, "90secs"],
    [3_661_000, "1.01694444444444hrs"],
    [1.5, "1500us"],
    [0.0015, "1500ns"],
    [100, "100ms"],
    [120_000, "2mins"],
    [900_000, "15mins"],
    [2000, "2secs"],
  ];
  for (const [ms, text] of cases) expect(`${ms} ${formatDuration(ms)}`).toBe(`${ms} ${text}`);
  // What it prints parses back to the same duration.
  for (const [ms, text] of cases) if (ms >= 0 && !text.includes(".")) expect(parseDuration(text)).toBe(ms);
});

test("byte sizes parse and format", () => {
  expect(parseBytes("32MB")).toBe(32 * 1024 * 1024);
  expect(parseBytes("1GB")).toBe(1024 ** 3);
  expect(formatBytes(2048)).toBe("2KB");
  expect(() => parseBytes("12")).toThrow("Invalid byte size '12'");
  expect(() => parseBytes(`${"9".repeat(400)}TB`)).toThrow("larger than 16EB");
});
