import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePluginSpecs } from "./plugins.ts";

test("--isolator_plugins: name=unix:///path pairs", () => {
  expect(parsePluginSpecs("a/x=unix:///run/a.sock,b/y=unix:///run/b.sock")).toEqual([
    { name: "a/x", endpoint: "unix:///run/a.sock", command: undefined, env: undefined, timeoutMs: undefined, supportsNesting: undefined },
    { name: "b/y", endpoint: "unix:///run/b.sock", command: undefined, env: undefined, timeoutMs: undefined, supportsNesting: undefined },
  ]);
  expect(parsePluginSpecs(undefined)).toEqual([]);
});

test("--isolator_plugins: a directory of JSON files, in name order", () => {
  const dir = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "plugins-"));
  mkdirSync(join(dir, "ignored-dir.json"));
  writeFileSync(
    join(dir, "b.json"),
    JSON.stringify({ name: "b/y", endpoint: "unix:///b.sock", command: ["/bin/b"], timeout: "2secs", env: { X: "1" } }),
  );
  writeFileSync(join(dir, "a.json"), JSON.stringify({ name: "a/x", endpoint: "unix:///a.sock" }));
  writeFileSync(join(dir, "notes.txt"), "not a plugin");
  const specs = parsePluginSpecs(dir);
  expect(specs.map((s) => s.name)).toEqual(["a/x", "b/y"]);
  expect(specs[1]).toMatchObject({ command: ["/bin/b"], timeoutMs: 2000, env: { X: "1" } });
});

test("bad entries say what is wrong and where", () => {
  expect(() => parsePluginSpecs("a/x=tcp://host:1")).toThrow("'endpoint' must be unix:///absolute/path.sock, got 'tcp://host:1'");
  const dir = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "plugins-"));
  writeFileSync(join(dir, "bad.json"), "{");
  expect(() => parsePluginSpecs(dir)).toThrow(`Isolator plugin file ${join(dir, "bad.json")} is not valid JSON`);
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ endpoint: "unix:///x" }));
  expect(() => parsePluginSpecs(dir)).toThrow(`${join(dir, "bad.json")}: 'name' is missing`);
});
