/**
 * Our proto/csi/v0 and proto/csi/v1 are written by us; this proves them wire-identical to the CSI
 * spec's own csi.proto (vendored in test/fixtures/csi-spec): buf compiles the spec's file, and every
 * message, field (number, kind, type, oneof), enum value and method must match the generated code.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  createFileRegistry,
  type DescEnum,
  type DescField,
  type DescFile,
  type DescMessage,
  type FileRegistry,
  fromBinary,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import * as v0 from "@mesos/proto/csi/v0";
import * as v1 from "@mesos/proto/csi/v1";

const root = resolve(import.meta.dir, "../..");

function specRegistry(version: string): FileRegistry {
  const out = join(process.env.MESOS_TEST_TMP!, `csi-${version}.binpb`);
  const r = Bun.spawnSync([join(root, "node_modules/.bin/buf"), "build", join(root, "test/fixtures/csi-spec", version), "-o", out]);
  if (r.exitCode !== 0) throw new Error(`buf build failed: ${r.stderr.toString()}`);
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, new Uint8Array(readFileSync(out))));
}

function fieldShape(f: DescField): string {
  const type =
    f.fieldKind === "scalar"
      ? `scalar:${f.scalar}`
      : f.fieldKind === "enum"
        ? `enum:${f.enum.typeName}`
        : f.fieldKind === "message"
          ? `message:${f.message.typeName}`
          : f.fieldKind === "list"
            ? `list:${f.listKind === "scalar" ? f.scalar : f.listKind === "enum" ? f.enum.typeName : f.message.typeName}`
            : `map:${f.mapKey}->${f.mapKind === "scalar" ? f.scalar : f.mapKind === "enum" ? f.enum.typeName : f.message.typeName}`;
  return `${f.number} ${f.name} ${type}${f.oneof ? ` oneof:${f.oneof.name}` : ""}`;
}

/** Every message, enum and service of a file as comparable lines. */
function shape(file: DescFile): string[] {
  const lines: string[] = [];
  const enumLines = (e: DescEnum) => {
    for (const v of e.values) lines.push(`enum ${e.typeName}: ${v.name}=${v.number}`);
  };
  const message = (m: DescMessage) => {
    lines.push(`message ${m.typeName}`);
    for (const f of m.fields) lines.push(`  ${m.typeName}: ${fieldShape(f)}`);
    for (const e of m.nestedEnums) enumLines(e);
    for (const n of m.nestedMessages) message(n);
  };
  for (const m of file.messages) message(m);
  for (const e of file.enums) enumLines(e);
  for (const s of file.services) {
    for (const m of s.methods) lines.push(`rpc ${s.typeName}.${m.name}(${m.input.typeName}) ${m.methodKind} ${m.output.typeName}`);
  }
  for (const x of file.extensions) lines.push(`extend ${x.extendee.typeName}: ${x.number} ${x.name}`);
  return lines.sort();
}

function specFile(version: string, name: string): DescFile {
  const file = specRegistry(version).getFile("csi.proto");
  if (!file) throw new Error(`csi.proto not in the ${version} build (${name})`);
  return file;
}

describe("CSI protos are the spec's on the wire", () => {
  test("csi.v0 equals the spec's v0.3.0", () => {
    expect(shape(v0.file_csi_v0_csi)).toEqual(shape(specFile("v0.3.0", "v0")));
  }, 30_000);

  test("csi.v0 contains all of the spec's v0.2.0 (what Mesos 1.8 speaks)", () => {
    const ours = new Set(shape(v0.file_csi_v0_csi));
    const missing = shape(specFile("v0.2.0", "v0")).filter((line) => !ours.has(line));
    expect(missing).toEqual([]);
  }, 30_000);

  test("csi.v1 equals the spec's v1.1.0", () => {
    expect(shape(v1.file_csi_v1_csi)).toEqual(shape(specFile("v1.1.0", "v1")));
  }, 30_000);

  test("the compared lines carry numbers and types", () => {
    const lines = shape(v1.file_csi_v1_csi);
    expect(lines).toContain("  csi.v1.CreateVolumeRequest: 5 secrets map:9->9");
    expect(lines).toContain("rpc csi.v1.Identity.Probe(csi.v1.ProbeRequest) unary csi.v1.ProbeResponse");
  });
});
