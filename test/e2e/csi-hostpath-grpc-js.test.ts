/**
 * The reference plugin (`mesos csi-hostpath`, the compiled binary) against a CSI client that is not
 * ours: @grpc/grpc-js with the CSI spec's own csi.proto loaded at run time (v0.2.0 for v0, the
 * version Mesos 1.8 speaks; v1.1.0 for v1). The whole volume life cycle, the capacity accounting,
 * and the errors the spec assigns (NOT_FOUND, ALREADY_EXISTS, OUT_OF_RANGE, UNIMPLEMENTED).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { startDaemon, stopAllDaemons } from "../support/binary.ts";
import { REPO_ROOT, tempDir } from "../support/cluster.ts";
import { cleanUpHost, NO_MOUNTS } from "../support/csi.ts";

afterAll(stopAllDaemons);

const SPEC = { v0: "v0.2.0", v1: "v1.1.0" } as const;
type Reply = Record<string, unknown> & { code?: number; details?: string };

function load(version: "v0" | "v1", socket: string) {
  const definition = protoLoader.loadSync(join(REPO_ROOT, "test/fixtures/csi-spec", SPEC[version], "csi.proto"), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  const csi = (grpc.loadPackageDefinition(definition).csi as grpc.GrpcObject)[version] as Record<string, grpc.ServiceClientConstructor>;
  const connect = (service: string) => new csi[service]!(`unix://${socket}`, grpc.credentials.createInsecure());
  const clients = { identity: connect("Identity"), controller: connect("Controller"), node: connect("Node") };
  const call = (client: grpc.Client, method: string, request: object) =>
    new Promise<Reply>((resolve) =>
      (client as unknown as Record<string, (r: object, cb: (e: grpc.ServiceError | null, r: Reply) => void) => void>)[method]!(request, (e, r) =>
        resolve(e ? { code: e.code, details: e.details } : r),
      ),
    );
  return { ...clients, call, close: () => Object.values(clients).forEach((c) => c.close()) };
}

const mount = { mount: {}, access_mode: { mode: "SINGLE_NODE_WRITER" } };

describe.each(["v0", "v1"] as const)("grpc-js with the spec's %s proto against mesos csi-hostpath", (version) => {
  test("the whole volume life cycle, capacity accounting and the spec's error codes", async () => {
    const dir = tempDir(`csi-grpcjs-${version}`);
    const socket = join(dir, "csi.sock");
    const plugin = startDaemon(
      ["csi-hostpath", `--api_version=${version}`, `--work_dir=${join(dir, "work")}`, "--available_capacity=100MB", "--node_id=n1"],
      {
        CSI_ENDPOINT: `unix://${socket}`,
      },
    );
    await plugin.waitFor(/serving CSI/);
    const c = load(version, socket);
    try {
      const v1 = version === "v1";
      expect(await c.call(c.identity, "GetPluginInfo", {})).toMatchObject({ name: "org.apache.mesos.csi.hostpath" });
      const probe = await c.call(c.identity, "Probe", {});
      expect(probe.code).toBeUndefined();
      const caps = (await c.call(c.controller, "ControllerGetCapabilities", {})).capabilities as { rpc: { type: string } }[];
      expect(caps.map((x) => x.rpc.type).sort()).toEqual(["CREATE_DELETE_VOLUME", "GET_CAPACITY", "LIST_VOLUMES"]);
      expect(await c.call(c.controller, "GetCapacity", { volume_capabilities: [mount] })).toMatchObject({
        available_capacity: String(100 * 2 ** 20),
      });

      const created = (
        await c.call(c.controller, "CreateVolume", {
          name: "vol-a",
          capacity_range: { required_bytes: String(30 * 2 ** 20) },
          volume_capabilities: [mount],
        })
      ).volume as Record<string, unknown>;
      const id = (v1 ? created.volume_id : created.id) as string;
      expect(created.capacity_bytes).toBe(String(30 * 2 ** 20));
      expect(await c.call(c.controller, "GetCapacity", { volume_capabilities: [mount] })).toMatchObject({ available_capacity: String(70 * 2 ** 20) });
      // The same name again is the same volume; a different size under that name is a collision.
      const again = (
        await c.call(c.controller, "CreateVolume", {
          name: "vol-a",
          capacity_range: { required_bytes: String(30 * 2 ** 20) },
          volume_capabilities: [mount],
        })
      ).volume as Record<string, unknown>;
      expect(v1 ? again.volume_id : again.id).toBe(id);
      expect(
        (
          await c.call(c.controller, "CreateVolume", {
            name: "vol-a",
            capacity_range: { required_bytes: String(40 * 2 ** 20) },
            volume_capabilities: [mount],
          })
        ).code,
      ).toBe(grpc.status.ALREADY_EXISTS);
      expect(
        (
          await c.call(c.controller, "CreateVolume", {
            name: "vol-b",
            capacity_range: { required_bytes: String(80 * 2 ** 20) },
            volume_capabilities: [mount],
          })
        ).code,
      ).toBe(grpc.status.OUT_OF_RANGE);

      const validation = await c.call(c.controller, "ValidateVolumeCapabilities", { volume_id: id, volume_capabilities: [mount] });
      expect(v1 ? validation.confirmed : validation.supported).toBeTruthy();
      expect((await c.call(c.controller, "ValidateVolumeCapabilities", { volume_id: "nope", volume_capabilities: [mount] })).code).toBe(
        grpc.status.NOT_FOUND,
      );
      const listed = (await c.call(c.controller, "ListVolumes", {})).entries as { volume: Record<string, unknown> }[];
      expect(listed.map((e) => (v1 ? e.volume.volume_id : e.volume.id))).toEqual([id]);

      const node = (await c.call(c.node, v1 ? "NodeGetInfo" : "NodeGetId", {})).node_id;
      expect(node).toBe("n1");
      if (!NO_MOUNTS) {
        const staging = join(dir, "staging");
        const target = join(dir, "target");
        mkdirSync(staging);
        try {
          expect(
            (await c.call(c.node, "NodeStageVolume", { volume_id: id, staging_target_path: staging, volume_capability: mount })).code,
          ).toBeUndefined();
          expect(
            (
              await c.call(c.node, "NodePublishVolume", {
                volume_id: id,
                staging_target_path: staging,
                target_path: target,
                volume_capability: mount,
              })
            ).code,
          ).toBeUndefined();
          writeFileSync(join(target, "file"), "written through the bind mount");
          expect(readFileSync(join(dir, "work/data", id, "file"), "utf8")).toBe("written through the bind mount");
          // Deleting a volume in use is refused.
          expect((await c.call(c.controller, "DeleteVolume", { volume_id: id })).code).toBe(grpc.status.FAILED_PRECONDITION);
          expect((await c.call(c.node, "NodeUnpublishVolume", { volume_id: id, target_path: target })).code).toBeUndefined();
          expect(existsSync(target)).toBe(false);
          expect((await c.call(c.node, "NodeUnstageVolume", { volume_id: id, staging_target_path: staging })).code).toBeUndefined();
          expect(statSync(staging).isDirectory()).toBe(true);
        } finally {
          cleanUpHost(dir);
        }
      }
      expect((await c.call(c.controller, "DeleteVolume", { volume_id: id })).code).toBeUndefined();
      expect((await c.call(c.controller, "DeleteVolume", { volume_id: id })).code).toBeUndefined(); // idempotent
      expect(await c.call(c.controller, "GetCapacity", { volume_capabilities: [mount] })).toMatchObject({
        available_capacity: String(100 * 2 ** 20),
      });
      // Not part of this plugin: snapshots (v0.2 has no such call).
      if (v1) expect((await c.call(c.controller, "ListSnapshots", {})).code).toBe(grpc.status.UNIMPLEMENTED);
    } finally {
      c.close();
      await plugin.kill();
    }
  }, 60_000);

  test("the other CSI version is UNIMPLEMENTED, as version detection expects", async () => {
    const dir = tempDir(`csi-grpcjs-other-${version}`);
    const socket = join(dir, "csi.sock");
    const plugin = startDaemon([
      "csi-hostpath",
      `--api_version=${version}`,
      `--endpoint=unix://${socket}`,
      `--work_dir=${join(dir, "work")}`,
      "--available_capacity=1GB",
    ]);
    await plugin.waitFor(/serving CSI/);
    const other = load(version === "v0" ? "v1" : "v0", socket);
    try {
      expect((await other.call(other.identity, "Probe", {})).code).toBe(grpc.status.UNIMPLEMENTED);
    } finally {
      other.close();
      await plugin.kill();
    }
  }, 60_000);
});
