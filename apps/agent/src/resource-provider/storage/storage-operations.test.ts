/** DESTROY's clean-up of a published volume's target, which the plugin may be removing at the same time. */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clearTarget } from "./storage-operations.ts";

describe("clearTarget", () => {
  test("empties the target and keeps it", () => {
    const target = mkdtempSync(join(tmpdir(), "target-"));
    mkdirSync(join(target, "dir"));
    writeFileSync(join(target, "dir", "file"), "data");
    writeFileSync(join(target, "file"), "data");
    clearTarget(target);
    expect(existsSync(target)).toBe(true);
    expect(readdirSync(target)).toEqual([]);
  });

  test("a target already removed (the volume was unpublished) has nothing to clear", () => {
    const parent = mkdtempSync(join(tmpdir(), "target-"));
    expect(() => clearTarget(join(parent, "gone"))).not.toThrow();
    writeFileSync(join(parent, "file"), "");
    expect(() => clearTarget(join(parent, "file", "target"))).not.toThrow();
  });
});
