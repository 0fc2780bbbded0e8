import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerInfo_Type, isolator as api, Secret_Type, Volume_Mode, Volume_Source_Type } from "@mesos/proto";
import { createSecretIsolator } from "./secret-isolator.ts";

const dir = () => mkdtempSync(join(tmpdir(), "secret-"));
const secretVolume = (containerPath: string, secret: object) => ({
  mode: Volume_Mode.RO,
  containerPath,
  source: { type: Volume_Source_Type.SECRET, secret },
});

test("an inline secret: written for root only under --runtime_dir/.secret, then a tmpfs, a move into it and a read-only bind", async () => {
  const runtimeDir = dir();
  const isolator = createSecretIsolator({ sandboxDirectory: "/mnt/mesos/sandbox", runtimeDir });
  const config = create(api.ContainerConfigSchema, {
    containerId: { value: "c1" },
    directory: dir(),
    containerInfo: {
      type: ContainerInfo_Type.MESOS,
      volumes: [secretVolume("etc/token", { type: Secret_Type.VALUE, value: { data: new TextEncoder().encode("hunter2") } })],
    },
  });
  const info = await isolator.prepare!(config);
  const [tmpfs, file, bind] = info!.mounts!;
  expect(tmpfs).toMatchObject({ type: api.Mount_Type.TMPFS, options: "mode=0700" });
  expect(tmpfs!.target!).toStartWith(join(config.directory, ".secret-"));
  expect(file).toMatchObject({ type: api.Mount_Type.FILE, target: join(tmpfs!.target!, "etc/token") });
  expect(file!.source!).toStartWith(join(runtimeDir, ".secret", "c1"));
  expect(readFileSync(file!.source!, "utf8")).toBe("hunter2");
  expect(statSync(file!.source!).mode & 0o777).toBe(0o600);
  expect(bind).toMatchObject({ type: api.Mount_Type.BIND, source: file!.target, target: join(config.directory, "etc/token"), readOnly: true });
  expect(JSON.stringify(info)).not.toContain("hunter2");
  // A launch that failed before the helper moved the file: cleanup removes it.
  await isolator.cleanup!(config.containerId!);
  expect(existsSync(file!.source!)).toBe(false);
  expect(readdirSync(join(runtimeDir, ".secret"))).toEqual([]);
});

test("a reference needs a resolver module; an invalid secret is named; DEBUG containers get none", async () => {
  const isolator = createSecretIsolator({ sandboxDirectory: "/mnt/mesos/sandbox", runtimeDir: dir() });
  const config = (secret: object, containerClass = api.ContainerClass.DEFAULT) =>
    create(api.ContainerConfigSchema, {
      containerId: { value: "c2" },
      directory: dir(),
      containerClass,
      containerInfo: { type: ContainerInfo_Type.MESOS, volumes: [secretVolume("s", secret)] },
    });
  await expect(isolator.prepare!(config({ type: Secret_Type.REFERENCE, reference: { name: "db/pw" } }))).rejects.toThrow(
    "Default secret resolver cannot resolve references: no secret resolver is configured to resolve secret 'db/pw'",
  );
  await expect(isolator.prepare!(config({ type: Secret_Type.VALUE }))).rejects.toThrow(
    "Invalid secret specified in volume: Secret of type VALUE must have the 'value' field set",
  );
  expect(
    await isolator.prepare!(config({ type: Secret_Type.VALUE, value: { data: new Uint8Array([1]) } }, api.ContainerClass.DEBUG)),
  ).toBeUndefined();
});
