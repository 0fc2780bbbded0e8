import { expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseForceCreation } from "./host-path-creation.ts";

const base = () => mkdtempSync(join(tmpdir(), "force-creation-"));

test("a missing path equal to an entry or under it is created as a directory, after normalising", () => {
  const dir = base();
  const data = join(dir, "data");
  const creation = parseForceCreation(`${join(dir, "other")}:${data}`);
  creation.create(join(data, "a", "b"));
  expect(statSync(join(data, "a", "b")).isDirectory()).toBe(true);
  creation.create(join(data, "x", "..", "y", ".", "z"));
  expect(existsSync(join(data, "y", "z"))).toBe(true);
  expect(existsSync(join(data, "x"))).toBe(false);
  creation.create(`${join(dir, "other")}/`);
  expect(existsSync(join(dir, "other"))).toBe(true);
});

test("outside the allow-list, through '..' or next to an entry with the same prefix: refused, naming the path and the list", () => {
  const dir = base();
  const data = join(dir, "data");
  const creation = parseForceCreation(data);
  const outsideList = join(data, "..", "etc", "x");
  expect(() => creation.create(outsideList)).toThrow(
    `Path '${outsideList}' in HOST_PATH volume does not exist and is not whitelisted for creation: Path '${join(dir, "etc", "x")}' is not whitelisted (--host_path_volume_force_creation=${data})`,
  );
  expect(() => creation.create(`${data}2/x`)).toThrow("is not whitelisted");
  expect(existsSync(join(dir, "etc"))).toBe(false);
  expect(existsSync(`${data}2`)).toBe(false);
});

test("a symlink on the way that leads out of the allowed directory is refused; one that stays inside is fine", () => {
  const dir = base();
  const data = join(dir, "data");
  const outside = join(dir, "outside");
  mkdirSync(join(data, "inner"), { recursive: true });
  mkdirSync(outside);
  symlinkSync(outside, join(data, "link"));
  symlinkSync(join(data, "inner"), join(data, "inside-link"));
  symlinkSync(join(dir, "missing"), join(data, "dangling"));
  const creation = parseForceCreation(data);
  expect(() => creation.create(join(data, "link", "x"))).toThrow(
    `'${join(data, "link")}' resolves to '${outside}', outside the whitelisted directory '${data}'`,
  );
  expect(existsSync(join(outside, "x"))).toBe(false);
  expect(() => creation.create(join(data, "dangling", "x"))).toThrow(`resolves to the missing '${join(dir, "missing")}'`);
  creation.create(join(data, "inside-link", "y"));
  expect(existsSync(join(data, "inner", "y"))).toBe(true);
});

test("the allow-list holds absolute paths", () => {
  expect(() => parseForceCreation("/data:relative")).toThrow("--host_path_volume_force_creation: 'relative' is not an absolute path");
});
