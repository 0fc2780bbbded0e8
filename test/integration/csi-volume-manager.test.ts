/**
 * The version-neutral volume manager against the reference hostpath plugin, the same suite in CSI v0
 * and v1 mode: version detection, capacity, create/delete with the pool restored, the state machine
 * with its checkpoints (each transitional state saved before its RPC), real bind mounts and loop
 * devices on the node side, recovery after a crash mid-transition and after a reboot (new boot id),
 * pre-existing volumes, and calls made while the plugin is away.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { silentLogger, systemClock } from "@mesos/core";
import {
  createCsiMetrics,
  createMemoryVolumeStateStore,
  createServiceManager,
  createVolumeManager,
  csiPaths,
  type CsiService,
  createProcessLauncher,
  CsiCallError,
} from "@mesos/plugin-csi";
import { CSIPluginInfoSchema } from "@mesos/proto";
import { VolumeState_State as S } from "@mesos/proto/csi";
import { tempDir, testLogger } from "../support/cluster.ts";
import { blockCapability, CSI_VERSIONS, cleanUpHost, mountCapability, NO_LOOP_DEVICES, NO_MOUNTS, startHostpath } from "../support/csi.ts";

const MB = 1024 * 1024;
const SERVICES: CsiService[] = ["CONTROLLER_SERVICE", "NODE_SERVICE"];

const cleanups: (() => unknown)[] = [];

/**
 * The error a promise rejects with. (Bun's `expect(promise).rejects` does not let socket I/O run
 * while it waits, so a pending gRPC call never settles there.)
 */
async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: Error) => e,
  );
}
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe.each(CSI_VERSIONS)("volume manager over the hostpath plugin speaking CSI %s", (version) => {
  async function setup(
    opts: { plugin?: Partial<Parameters<typeof startHostpath>[0]>; bootId?: string; store?: ReturnType<typeof createMemoryVolumeStateStore> } = {},
  ) {
    const dir = tempDir(`csi-${version}`);
    cleanups.push(() => cleanUpHost(dir));
    const workDir = join(dir, "plugin");
    const plugin = await startHostpath({ apiVersion: version, workDir, availableCapacity: 1024 * MB, ...opts.plugin });
    cleanups.push(() => plugin.server.close());
    const store = opts.store ?? createMemoryVolumeStateStore();
    const saved: [string, S][] = [];
    const recording = { ...store, save: async (id: string, s: Parameters<typeof store.save>[1]) => (saved.push([id, s.state]), store.save(id, s)) };
    const metrics = createCsiMetrics();
    const info = create(CSIPluginInfoSchema, { type: "org.apache.mesos.csi.hostpath", name: "local" });
    const services = createServiceManager({
      rootDir: join(dir, "csi"),
      plugin: info,
      services: SERVICES,
      containerPrefix: "test--",
      launcher: createProcessLauncher({ sandboxRoot: join(dir, "sandboxes") }),
      endpoints: { CONTROLLER_SERVICE: plugin.endpoint, NODE_SERVICE: plugin.endpoint },
      clock: systemClock,
      log: silentLogger,
      metrics,
    });
    cleanups.push(() => services.stop());
    const mountRoot = csiPaths.mountRootDir(csiPaths.pluginDir(join(dir, "csi"), info.type, info.name));
    const manager = (bootId = opts.bootId ?? "boot-1") =>
      createVolumeManager({
        plugin: info,
        services: SERVICES,
        clients: services,
        store: recording,
        mountRoot,
        clock: systemClock,
        log: testLogger("volumes"),
        metrics,
        bootId: () => bootId,
        backoffFactorMs: 20,
      });
    const volumes = manager();
    await volumes.recover();
    return { dir, workDir, plugin, store, saved, metrics, services, volumes, manager, mountRoot };
  }

  test(`detects CSI ${version} and reports the capacity of the pool`, async () => {
    const { services, volumes } = await setup();
    expect(await services.apiVersion()).toBe(version);
    expect(volumes.capabilities().controller).toEqual({
      createDeleteVolume: true,
      publishUnpublishVolume: false,
      listVolumes: true,
      getCapacity: true,
    });
    expect(volumes.capabilities().node.stageUnstageVolume).toBe(true);
    expect(await volumes.getCapacity(mountCapability(), {})).toBe(1024 * MB);
    // A capability the plugin cannot serve has no capacity.
    expect(await volumes.getCapacity(mountCapability(5 /* MULTI_NODE_MULTI_WRITER */), {})).toBe(0);
  });

  test("CreateVolume takes from the pool under the given name, again under the same name gives the same volume, DeleteVolume gives back", async () => {
    const { volumes, store } = await setup();
    const a = await volumes.createVolume("op-1", 100 * MB, mountCapability(), {});
    expect(a.capacityBytes).toBe(100 * MB);
    expect(volumes.state(a.id)?.state).toBe(S.CREATED);
    expect(store.bytes.has(a.id)).toBe(true);
    expect(await volumes.getCapacity(mountCapability(), {})).toBe(924 * MB);
    expect((await volumes.createVolume("op-1", 100 * MB, mountCapability(), {})).id).toBe(a.id);
    expect(await volumes.getCapacity(mountCapability(), {})).toBe(924 * MB);
    expect((await volumes.listVolumes()).map((v) => v.id)).toEqual([a.id]);

    expect(await volumes.deleteVolume(a.id)).toBe(true);
    expect(volumes.state(a.id)).toBeUndefined();
    expect(store.bytes.size).toBe(0);
    expect(await volumes.getCapacity(mountCapability(), {})).toBe(1024 * MB);
    expect(await volumes.listVolumes()).toEqual([]);
  });

  test("bad requests fail with the plugin's gRPC status and message", async () => {
    const { volumes } = await setup();
    const tooBig = await failure(volumes.createVolume("big", 2048 * MB, mountCapability(), {}));
    expect(tooBig.message).toContain(`/csi.${version}.Controller/CreateVolume failed: OUT_OF_RANGE: Insufficient capacity`);
    expect((await failure(volumes.createVolume("multi", MB, mountCapability(5), {}))).message).toContain(
      "INVALID_ARGUMENT: Unsupported volume capability",
    );
    await volumes.createVolume("taken", 10 * MB, mountCapability(), {});
    const clash = await failure(volumes.createVolume("taken", 20 * MB, mountCapability(), {}));
    expect(clash).toBeInstanceOf(CsiCallError);
    expect(clash.message).toContain("ALREADY_EXISTS: Volume 'taken' already exists");
    expect((await failure(volumes.publishVolume("nope"))).message).toBe("Cannot publish unknown volume 'nope'");
  });

  test.skipIf(!!NO_MOUNTS)("publish binds the volume at its target through NodeStage and NodePublish, checkpointing each step first", async () => {
    const { volumes, saved, workDir } = await setup();
    const { id } = await volumes.createVolume("op-2", 10 * MB, mountCapability(), {});
    saved.length = 0;
    await volumes.publishVolume(id);
    expect(saved.map(([, s]) => S[s])).toEqual(["NODE_STAGE", "VOL_READY", "NODE_PUBLISH", "PUBLISHED"]);
    const target = volumes.targetPath(id);
    writeFileSync(join(target, "hello"), "from a task");
    expect(readFileSync(join(workDir, "data", id, "hello"), "utf8")).toBe("from a task");
    expect(volumes.state(id)?.nodePublishRequired).toBe(true);
    expect(volumes.state(id)?.bootId).toBe("boot-1");

    saved.length = 0;
    await volumes.unpublishVolume(id);
    expect(saved.map(([, s]) => S[s])).toEqual(["NODE_UNPUBLISH", "VOL_READY", "NODE_UNSTAGE", "NODE_READY"]);
    expect(existsSync(target)).toBe(false);
    expect(readFileSync(join(workDir, "data", id, "hello"), "utf8")).toBe("from a task");
  });

  test.skipIf(!!NO_MOUNTS)("deleting a published volume unpublishes it, cleans its data and restores the pool", async () => {
    const { volumes, workDir } = await setup();
    const { id } = await volumes.createVolume("op-3", 10 * MB, mountCapability(), {});
    await volumes.publishVolume(id);
    writeFileSync(join(volumes.targetPath(id), "data"), "x");
    expect(await volumes.deleteVolume(id)).toBe(true);
    expect(existsSync(join(workDir, "data", id))).toBe(false);
    expect(await volumes.getCapacity(mountCapability(), {})).toBe(1024 * MB);
  });

  test.skipIf(!!NO_MOUNTS)("with a new boot id, recovery stages and publishes the used volume again", async () => {
    const ctx = await setup();
    const { id } = await ctx.volumes.createVolume("op-4", 10 * MB, mountCapability(), {});
    await ctx.volumes.publishVolume(id);
    // The "reboot" takes the mounts away (and the plugin forgets them: its mounts are gone too).
    cleanUpHost(ctx.dir);
    ctx.saved.length = 0;
    const after = ctx.manager("boot-2");
    await after.recover();
    expect(ctx.saved.map(([, s]) => S[s])).toEqual(["NODE_STAGE", "VOL_READY", "NODE_PUBLISH", "PUBLISHED"]);
    expect(after.state(id)?.bootId).toBe("boot-2");
    writeFileSync(join(after.targetPath(id), "again"), "y");
    expect(readFileSync(join(ctx.workDir, "data", id, "again"), "utf8")).toBe("y");
  });

  test.skipIf(!!NO_MOUNTS)("a transition interrupted after its checkpoint is finished by the next manager (same boot)", async () => {
    const ctx = await setup();
    const { id } = await ctx.volumes.createVolume("op-5", 10 * MB, mountCapability(), {});
    // As if the agent died right after checkpointing NODE_STAGE, before the plugin answered.
    const interrupted = ctx.volumes.state(id)!;
    interrupted.state = S.NODE_STAGE;
    await ctx.store.save(id, interrupted);
    ctx.saved.length = 0;
    const after = ctx.manager("boot-1");
    await after.recover();
    expect(after.state(id)?.state).toBe(S.NODE_STAGE);
    await after.publishVolume(id);
    expect(ctx.saved.map(([, s]) => S[s])).toEqual(["VOL_READY", "NODE_PUBLISH", "PUBLISHED"]);
    expect(statSync(after.targetPath(id)).isDirectory()).toBe(true);
  });

  test.skipIf(!!NO_MOUNTS)(
    "with PUBLISH_UNPUBLISH_VOLUME the volume is attached to the node first; without STAGE_UNSTAGE_VOLUME staging is skipped",
    async () => {
      const { volumes, saved } = await setup({ plugin: { controllerPublish: true, stageUnstage: false, nodeId: "node-a" } });
      const { id } = await volumes.createVolume("op-6", 10 * MB, mountCapability(), {});
      saved.length = 0;
      await volumes.publishVolume(id);
      expect(saved.map(([, s]) => S[s])).toEqual(["CONTROLLER_PUBLISH", "NODE_READY", "NODE_PUBLISH", "PUBLISHED"]);
      expect(volumes.state(id)?.publishContext).toEqual({ node_id: "node-a" });
      saved.length = 0;
      await volumes.detachVolume(id);
      expect(saved.map(([, s]) => S[s])).toEqual(["NODE_UNPUBLISH", "VOL_READY", "CONTROLLER_UNPUBLISH", "CREATED"]);
    },
  );

  test.skipIf(!!NO_LOOP_DEVICES)("a BLOCK volume is published as a loop device of its size", async () => {
    const { volumes } = await setup();
    const { id } = await volumes.createVolume("op-7", 8 * MB, blockCapability(), {});
    await volumes.publishVolume(id);
    const target = volumes.targetPath(id);
    expect(statSync(target).isBlockDevice()).toBe(true);
    const size = Bun.spawnSync(["blockdev", "--getsize64", target]).stdout.toString().trim();
    expect(Number(size)).toBe(8 * MB);
    expect(await volumes.deleteVolume(id)).toBe(true);
  });

  test("pre-existing volumes are listed, validated against a capability and then tracked", async () => {
    const { volumes } = await setup({ plugin: { volumes: [{ name: "pre", capacity: 50 * MB }] } });
    const listed = await volumes.listVolumes();
    expect(listed.map((v) => [v.id, v.capacityBytes])).toEqual([["pre", 50 * MB]]);
    expect(await volumes.validateVolume(listed[0]!, blockCapability(), {})).toContain("Validation failed for volume 'pre'");
    expect(volumes.state("pre")).toBeUndefined();
    expect(await volumes.validateVolume(listed[0]!, mountCapability(), {})).toBeUndefined();
    expect(volumes.state("pre")?.state).toBe(S.CREATED);
    // Pre-existing volumes do not come out of the pool, and can be deleted (MESOS-9540).
    expect(await volumes.getCapacity(mountCapability(), {})).toBe(1024 * MB);
    expect(await volumes.deleteVolume("pre")).toBe(true);
    expect(await volumes.listVolumes()).toEqual([]);
  });

  test("a call made while the plugin is away waits for it (gRPC wait-for-ready) and succeeds once it is back", async () => {
    const ctx = await setup();
    await ctx.plugin.server.close();
    const failedBefore = ctx.metrics.rpcsFailed;
    let done = false;
    const creating = ctx.volumes.createVolume("op-8", MB, mountCapability(), {}).finally(() => (done = true));
    await Bun.sleep(300);
    expect(done).toBe(false);
    expect(ctx.metrics.rpcsPending).toBe(1);
    const back = await startHostpath({ apiVersion: version, workDir: ctx.workDir, availableCapacity: 1024 * MB, endpoint: ctx.plugin.endpoint });
    cleanups.push(() => back.server.close());
    expect((await creating).id).toBe("op-8");
    expect(ctx.metrics).toMatchObject({ rpcsPending: 0, rpcsFailed: failedBefore });
  });
});
