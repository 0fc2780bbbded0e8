import { expect, test } from "bun:test";
import {
  abortLine,
  GO_LINE,
  isPrestarted,
  launchHelperArgs,
  parseGoLine,
  parseLaunchInfoArg,
  parseStartReport,
  parseUseLine,
  prestartedHelperArgs,
  startReportLine,
  useLine,
} from "./handshake.ts";

test("the helper's command line carries the launch description's path", () => {
  const args = launchHelperArgs("/run/c1/launch.json");
  expect(args[0]).toBe("__launch");
  expect(parseLaunchInfoArg(args)).toBe("/run/c1/launch.json");
  expect(parseLaunchInfoArg(["__launch"])).toBeUndefined();
});

test("a prestarted helper learns its launch description's path from the first line, or is not needed", () => {
  const args = prestartedHelperArgs();
  expect(args[0]).toBe("__launch");
  expect(isPrestarted(args)).toBe(true);
  expect(parseLaunchInfoArg(args)).toBeUndefined();
  expect(isPrestarted(launchHelperArgs("/run/c1/launch.json"))).toBe(false);
  const path = '/run/odd dir/"c"\n1/launch.json';
  expect(useLine(path).endsWith("\n")).toBe(true);
  expect(useLine(path).trim().includes("\n")).toBe(false);
  expect(parseUseLine(useLine(path).trim())).toBe(path);
  expect(parseUseLine("")).toBeUndefined();
  expect(() => parseUseLine("go")).toThrow("not 'use PATH'");
  expect(() => parseUseLine('use ""')).toThrow("not 'use PATH'");
});

test("go, abort, or the agent gone", () => {
  expect(parseGoLine(GO_LINE.trim())).toEqual({ go: true });
  expect(parseGoLine(abortLine("Isolator 'x' failed\nbadly").trim())).toEqual({
    go: false,
    why: "the agent aborted the launch: Isolator 'x' failed badly",
  });
  expect(parseGoLine("")).toEqual({ go: false, why: "the agent went away before the container was isolated" });
});

test("the helper's report: the task's pid, or what failed", () => {
  expect(parseStartReport(startReportLine({ pid: 42 }).trim())).toBe(42);
  expect(() => parseStartReport(startReportLine({ error: "mounting tmpfs on /data: EPERM" }).trim())).toThrow("mounting tmpfs on /data: EPERM");
  expect(() => parseStartReport("garbage")).toThrow("the launch helper answered 'garbage'");
});
