/**
 * The generated TypeScript under proto/gen is committed; this fails if it no longer matches what
 * buf and protoc-gen-es produce from the .proto files (run `npm run generate`).
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

test("proto/gen matches the .proto sources", () => {
  const out = mkdtempSync(join(process.env.MESOS_TEST_TMP!, "gen-"));
  const template = join(out, "buf.gen.yaml");
  const config = readFileSync(join(root, "buf.gen.yaml"), "utf8").replace(/out: proto\/gen/, `out: ${join(out, "gen")}`);
  writeFileSync(template, config);
  const result = Bun.spawnSync([join(root, "node_modules/.bin/buf"), "generate", "--template", template], { cwd: root });
  expect(result.stderr.toString()).toBe("");
  expect(result.exitCode).toBe(0);

  const fresh = listFiles(join(out, "gen"));
  expect(listFiles(join(root, "proto/gen"))).toEqual(fresh);
  for (const file of fresh) {
    const stale = readFileSync(join(root, "proto/gen", file), "utf8") !== readFileSync(join(out, "gen", file), "utf8");
    expect(stale ? `${file} is stale: run npm run generate` : "").toBe("");
  }
}, 180_000); // buf + protoc-gen-es take several seconds, over a minute on a loaded 2-core machine
