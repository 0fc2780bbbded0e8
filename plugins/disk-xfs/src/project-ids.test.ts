import { describe, expect, test } from "bun:test";
import { createProjectIds, parseProjectRange } from "./project-ids.ts";

describe("--xfs_project_range", () => {
  test("Mesos's default and lists of ranges", () => {
    expect(createProjectIds(parseProjectRange("[5000-10000]")).total).toBe(5001);
    const ids = createProjectIds(parseProjectRange("[7-8, 1-3]"));
    expect([ids.total, ids.range]).toEqual([5, "[1-3, 7-8]"]);
  });

  test("bad ranges are refused with Mesos's words and the flag", () => {
    expect(() => parseProjectRange("5000-10000")).toThrow("Failed to parse XFS project range '5000-10000'");
    expect(() => parseProjectRange("[0-10]")).toThrow("XFS project ID range contains illegal 0 value (--xfs_project_range=[0-10])");
    expect(() => parseProjectRange("[1-4294967296]")).toThrow("Project ID 4294967296 is out of range");
    expect(() => parseProjectRange("[]")).toThrow("holds no IDs");
    expect(parseProjectRange("[1-4294967295]")).toHaveLength(1);
  });
});

describe("the project id allocator", () => {
  test("hands out the lowest free id; none left is undefined", () => {
    const ids = createProjectIds(parseProjectRange("[10-11, 20-20]"));
    expect([ids.next(), ids.next(), ids.next(), ids.next()]).toEqual([10, 11, 20, undefined]);
    expect(ids.free()).toBe(0);
  });

  test("a released id is the next one again, even above others still free", () => {
    const ids = createProjectIds(parseProjectRange("[1-5]"));
    const [a, b] = [ids.next(), ids.next()];
    expect([a, b]).toEqual([1, 2]);
    ids.release(1);
    expect(ids.free()).toBe(4);
    expect(ids.next()).toBe(1);
    expect(ids.next()).toBe(3);
  });

  test("ids taken at recovery are skipped; ids outside the range are never handed out or counted", () => {
    const ids = createProjectIds(parseProjectRange("[100-102]"));
    ids.take(100);
    ids.take(102);
    ids.take(9999); // from an older, wider range
    expect(ids.free()).toBe(1);
    expect(ids.next()).toBe(101);
    ids.release(9999);
    expect(ids.free()).toBe(0);
    expect(ids.inRange(9999)).toBe(false);
    ids.release(100);
    expect([ids.free(), ids.next()]).toEqual([1, 100]);
  });

  test("releasing twice frees once; taking twice uses once", () => {
    const ids = createProjectIds(parseProjectRange("[1-2]"));
    ids.take(1);
    ids.take(1);
    expect(ids.free()).toBe(1);
    ids.release(1);
    ids.release(1);
    expect(ids.free()).toBe(2);
  });
});
