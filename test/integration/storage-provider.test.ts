/**
 * The storage local resource provider end to end, the same suite with the reference plugin in CSI
 * v0 and in v1 mode: the agent runs the plugin as a standalone container, the storage pool of a
 * profile is offered (RAW, with the provider id and vendor), CREATE_DISK makes a MOUNT disk, a
 * persistent volume on it is written by one task and read by the next (published on use, bind
 * mounted by the plugin, unpublished when no task uses it), then DESTROY and DESTROY_DISK give the
 * pool back; a BLOCK disk from a block profile, reserved and unreserved. Also: a profile added to the
 * URI adaptor's file while running, a plugin container that dies, a plugin that speaks no CSI version,
 * the operator's resource provider calls (agent and master views), and bad input (CREATE_DISK of a
 * non-RAW disk, an unknown profile, a profile of the other volume type).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { clone, create } from "@bufbuild/protobuf";
import { newUuidBytes, uuidFromBytes } from "@mesos/core";
import {
  FrameworkInfo_Capability_Type as Cap,
  internal,
  type Offer,
  Offer_Operation_Type,
  OperationState,
  Resource_DiskInfo_Source_Type as Disk,
  Resource_ReservationInfo_Type,
  Resource_ReservationInfoSchema,
  ResourceSchema,
  TaskState,
} from "@mesos/proto";
import { eventually, REPO_ROOT, startTestAgent, startTestMaster, tempDir } from "../support/cluster.ts";
import { CSI_VERSIONS, cleanUpHost, NO_MOUNTS } from "../support/csi.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework } from "../support/framework.ts";
import {
  createDisk,
  destroyDisk,
  findDisk,
  findPool,
  PLUGIN_TYPE,
  persistentVolume,
  scalar,
  STORAGE_ROLE,
  withScalar,
  writeProfiles,
  writeProviderConfig,
} from "../support/storage.ts";

const cleanup = useCleanups();

interface SetupOptions {
  profiles?: string[];
  blockProfiles?: string[];
  pluginArgs?: string[];
  /** Writes more provider configs into the config dir. */
  moreConfigs?: (configDir: string, dir: string) => void;
}

async function setup(version: "v0" | "v1", o: SetupOptions = {}) {
  const dir = tempDir(`slrp-${version}`);
  cleanup(() => cleanUpHost(dir));
  const configDir = join(dir, "providers");
  const profileFile = join(dir, "profiles.json");
  writeProfiles(profileFile, o.profiles ?? ["fast"], o.blockProfiles);
  writeProviderConfig(configDir, { version, pluginWorkDir: join(dir, "plugin"), extraArgs: o.pluginArgs });
  o.moreConfigs?.(configDir, dir);
  const master = await startTestMaster({ flags: ["--allocation_interval=50ms"] });
  cleanup(() => master.stop());
  const agent = await startTestAgent(master, {
    workDir: join(dir, "agent"),
    flags: [
      `--resource_provider_config_dir=${configDir}`,
      `--disk_profile_adaptor=uri=${profileFile},poll_interval=200ms`,
      "--isolation=posix/cpu,posix/mem",
    ],
  });
  cleanup(() => agent.stop());
  await agent.registered;
  const fw = await startTestFramework(master.url, {
    roles: [STORAGE_ROLE],
    capabilities: [{ type: Cap.MULTI_ROLE }, { type: Cap.RESERVATION_REFINEMENT }],
  });
  cleanup(() => fw.close());
  return { dir, master, agent, fw, profileFile };
}

async function operationState(fw: Awaited<ReturnType<typeof setup>>["fw"], id: string) {
  return eventually(
    () => fw.operationStatuses.find((s) => s.operationId?.value === id && s.state !== OperationState.OPERATION_PENDING),
    60_000,
    `operation ${id}`,
  );
}

/** Offers until `find` picks one (every other offer is declined, so nothing stays held). */
async function offerWith<T extends { offer: Offer }>(
  fw: Awaited<ReturnType<typeof setup>>["fw"],
  find: (offers: Offer[]) => T | undefined,
): Promise<T> {
  for (;;) {
    const offers = await fw.nextOffers(60_000);
    const found = find(offers);
    const others = offers.filter((o) => o !== found?.offer).map((o) => o.id!.value);
    if (others.length > 0) await fw.sub.decline(others, 0);
    if (found) return found;
  }
}

interface ProviderJson {
  resource_provider_info: { id: { value: string }; name: string };
  total_resources: { provider_id?: { value: string }; disk?: { source?: { profile?: string } } }[];
}

/** A v1 operator call with JSON bodies (agent or master). */
const operatorCall = (url: string, body: object) =>
  fetch(`${url}/api/v1`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });

async function resourceProviders(agentUrl: string): Promise<ProviderJson[]> {
  const body = (await (await operatorCall(agentUrl, { type: "GET_RESOURCE_PROVIDERS" })).json()) as {
    get_resource_providers: { resource_providers?: ProviderJson[] };
  };
  return body.get_resource_providers.resource_providers ?? [];
}

const providerNames = async (agentUrl: string) => (await resourceProviders(agentUrl)).map((p) => p.resource_provider_info.name);

describe.each(CSI_VERSIONS)("storage resource provider with the hostpath plugin speaking CSI %s", (version) => {
  test.skipIf(!!NO_MOUNTS)(
    "pool -> CREATE_DISK -> persistent volume written and read by tasks -> DESTROY -> DESTROY_DISK -> the pool back",
    async () => {
      const { fw, dir } = await setup(version);
      const { offer, pool } = await offerWith(fw, (o) => findPool(o, "fast"));
      expect(pool.scalar?.value).toBe(1024);
      expect(pool.disk?.source?.vendor).toBe("org.apache.mesos.csi.hostpath.local");
      expect(pool.reservations.map((r) => r.role)).toEqual([STORAGE_ROLE]);

      await fw.sub.accept([offer.id!.value], [createDisk("create-1", withScalar(pool, 100))], 0);
      const created = await operationState(fw, "create-1");
      expect(`${OperationState[created.state]} ${created.message}`).toBe("OPERATION_FINISHED ");
      const mountDisk = created.convertedResources[0]!;
      expect(mountDisk.disk?.source?.type).toBe(Disk.MOUNT);
      expect(mountDisk.disk?.source?.profile).toBe("fast");

      const found = await offerWith(fw, (o) => findDisk(o, Disk.MOUNT, mountDisk.disk!.source!.id));
      const volume = persistentVolume(found.disk, "pv-1", "data");
      const task = (id: string, command: string) => ({
        name: id,
        taskId: { value: id },
        agentId: found.offer.agentId,
        command: { value: command },
        resources: [scalar("cpus", 0.1, STORAGE_ROLE), scalar("mem", 32, STORAGE_ROLE), volume],
      });
      await fw.sub.accept(
        [found.offer.id!.value],
        [
          { type: Offer_Operation_Type.CREATE, id: { value: "pv" }, create: { volumes: [volume] } },
          {
            type: Offer_Operation_Type.LAUNCH,
            launch: { taskInfos: [task("writer", "echo hello from $MESOS_TASK_ID > data/file && touch data/written && sleep 3")] },
          },
        ],
        0,
      );
      // Published on use (the volume's target is a mount while the task runs), unpublished once no task uses it.
      const dataDir = join(dir, "plugin", "data", mountDisk.disk!.source!.id);
      const target = join(dir, "agent", "csi", PLUGIN_TYPE, "local", "mounts", mountDisk.disk!.source!.id, "target");
      const mounted = () =>
        readFileSync("/proc/self/mountinfo", "utf8")
          .split("\n")
          .some((line) => line.split(" ")[4] === target);
      await eventually(() => existsSync(join(dataDir, "written")), 60_000, "the writer");
      expect(mounted()).toBe(true);
      await fw.waitForStatus("writer", TaskState.TASK_FINISHED, 60_000);
      expect(readFileSync(join(dataDir, "file"), "utf8")).toBe("hello from writer\n");
      await eventually(() => !mounted(), 30_000, `${target} to be unmounted`);

      const withVolume = (o: Offer[]) => {
        const offer = o.find((x) => x.resources.some((r) => r.disk?.persistence?.id === "pv-1"));
        return offer && { offer };
      };
      const { offer: again } = await offerWith(fw, withVolume);
      await fw.sub.accept(
        [again.id!.value],
        [{ type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: [task("reader", 'test "$(cat data/file)" = "hello from writer"')] } }],
        0,
      );
      await fw.waitForStatus("reader", TaskState.TASK_FINISHED, 60_000);

      const { offer: last } = await offerWith(fw, withVolume);
      await fw.sub.accept(
        [last.id!.value],
        [{ type: Offer_Operation_Type.DESTROY, id: { value: "destroy" }, destroy: { volumes: [volume] } }, destroyDisk("destroy-disk", found.disk)],
        0,
      );
      const destroyed = await operationState(fw, "destroy-disk");
      expect(`${OperationState[destroyed.state]} ${destroyed.message}`).toBe("OPERATION_FINISHED ");
      expect(existsSync(dataDir)).toBe(false);
      const back = await offerWith(fw, (o) => {
        const p = findPool(o, "fast");
        return p && p.pool.scalar?.value === 1024 ? p : undefined;
      });
      expect(back.pool.scalar?.value).toBe(1024);
    },
    180_000,
  );

  test("a profile added to the adaptor's file while running becomes a pool", async () => {
    const { fw, profileFile } = await setup(version);
    await offerWith(fw, (o) => findPool(o, "fast"));
    writeProfiles(profileFile, ["fast", "slow"]);
    const slow = await offerWith(fw, (o) => findPool(o, "slow"));
    expect(slow.pool.disk?.source?.profile).toBe("slow");
  }, 120_000);

  test("a plugin container that dies is relaunched and the provider carries on", async () => {
    const { fw, agent } = await setup(version);
    const first = await offerWith(fw, (o) => findPool(o, "fast"));
    await fw.sub.decline([first.offer.id!.value], 0);
    const containers = (await (await operatorCall(agent.url, { type: "GET_CONTAINERS", get_containers: { show_standalone: true } })).json()) as {
      get_containers: { containers: { container_status?: { executor_pid?: number } }[] };
    };
    const plugin = containers.get_containers.containers[0]!;
    process.kill(plugin.container_status!.executor_pid!, "SIGKILL");
    const metric = "resource_providers/org.apache.mesos.rp.local.storage.test/csi_plugin/container_terminations";
    await eventually(
      async () => ((await (await fetch(`${agent.url}/metrics/snapshot`)).json()) as Record<string, number>)[metric] === 1,
      30_000,
      metric,
    );
    const { offer, pool } = await offerWith(fw, (o) => findPool(o, "fast"));
    await fw.sub.accept([offer.id!.value], [createDisk("after-crash", withScalar(pool, 10))], 0);
    expect(OperationState[(await operationState(fw, "after-crash")).state]).toBe("OPERATION_FINISHED");
  }, 120_000);

  test("a pre-existing volume takes a profile; bad operations fail with the reason", async () => {
    const { fw } = await setup(version, { pluginArgs: ["--volumes=pre:50MB"] });
    const { offer, pool } = await offerWith(fw, (o) => findPool(o, "fast"));
    const notRaw = withScalar(pool, 10);
    notRaw.disk!.source!.type = Disk.MOUNT;
    await fw.sub.accept([offer.id!.value], [createDisk("not-raw", notRaw)], 0);
    const error = await operationState(fw, "not-raw");
    expect(`${OperationState[error.state]}: ${error.message}`).toBe("OPERATION_ERROR: 'source' is not a RAW disk resource");

    const pre = await offerWith(fw, (o) => {
      const found = findDisk(o, Disk.RAW, "pre");
      return found && { offer: found.offer, disk: found.disk };
    });
    expect(pre.disk.scalar?.value).toBe(50);
    expect(pre.disk.disk?.source?.profile).toBe("");
    await fw.sub.accept(
      [pre.offer.id!.value],
      [{ ...createDisk("bad-profile", pre.disk), createDisk: { source: pre.disk, targetType: Disk.MOUNT, targetProfile: "nope" } }],
      0,
    );
    const failed = await operationState(fw, "bad-profile");
    expect(`${OperationState[failed.state]}: ${failed.message}`).toBe("OPERATION_FAILED: Profile 'nope' not found");

    const again = await offerWith(fw, (o) => findDisk(o, Disk.RAW, "pre"));
    await fw.sub.accept(
      [again.offer.id!.value],
      [{ ...createDisk("pre-mount", again.disk), createDisk: { source: again.disk, targetType: Disk.MOUNT, targetProfile: "fast" } }],
      0,
    );
    const done = await operationState(fw, "pre-mount");
    expect(`${OperationState[done.state]}: ${done.message}`).toBe("OPERATION_FINISHED: ");
    expect(done.convertedResources[0]!.disk?.source).toMatchObject({ type: Disk.MOUNT, id: "pre", profile: "fast" });
  }, 120_000);

  test("a BLOCK disk from a block profile, UNRESERVE and RESERVE on it, then DESTROY_DISK gives the pool back", async () => {
    const { fw, dir } = await setup(version, { blockProfiles: ["raw"] });
    const first = await offerWith(fw, (o) => findPool(o, "raw"));
    await fw.sub.accept([first.offer.id!.value], [createDisk("as-mount", withScalar(first.pool, 10))], 0);
    const refused = await operationState(fw, "as-mount");
    expect(`${OperationState[refused.state]}: ${refused.message}`).toBe("OPERATION_FAILED: Profile 'raw' cannot be used to create a MOUNT disk");

    // The failed operation's 10 MB go back to the pool.
    const wholePool = (o: Offer[]) => {
      const p = findPool(o, "raw");
      return p && p.pool.scalar?.value === 1024 ? p : undefined;
    };
    const { offer, pool } = await offerWith(fw, wholePool);
    await fw.sub.accept([offer.id!.value], [createDisk("block-1", withScalar(pool, 100), Disk.BLOCK)], 0);
    const created = await operationState(fw, "block-1");
    expect(OperationState[created.state]).toBe("OPERATION_FINISHED");
    const id = created.convertedResources[0]!.disk!.source!.id;
    expect(created.convertedResources[0]!.disk?.source).toMatchObject({ type: Disk.BLOCK, profile: "raw", id });
    expect(statSync(join(dir, "plugin", "data", `${id}.img`)).size).toBe(100 * 1024 * 1024);

    const reserved = await offerWith(fw, (o) => findDisk(o, Disk.BLOCK, id));
    expect(reserved.disk.reservations.map((r) => r.role)).toEqual([STORAGE_ROLE]);
    await fw.sub.accept(
      [reserved.offer.id!.value],
      [{ type: Offer_Operation_Type.UNRESERVE, id: { value: "unreserve" }, unreserve: { resources: [reserved.disk] } }],
      0,
    );
    expect(OperationState[(await operationState(fw, "unreserve")).state]).toBe("OPERATION_FINISHED");
    const unreserved = await offerWith(fw, (o) => {
      const found = findDisk(o, Disk.BLOCK, id);
      return found && found.disk.reservations.length === 0 ? found : undefined;
    });
    const again = clone(ResourceSchema, unreserved.disk);
    again.reservations = [create(Resource_ReservationInfoSchema, { type: Resource_ReservationInfo_Type.DYNAMIC, role: STORAGE_ROLE })];
    await fw.sub.accept(
      [unreserved.offer.id!.value],
      [{ type: Offer_Operation_Type.RESERVE, id: { value: "reserve" }, reserve: { resources: [again] } }],
      0,
    );
    expect(OperationState[(await operationState(fw, "reserve")).state]).toBe("OPERATION_FINISHED");

    const last = await offerWith(fw, (o) => {
      const found = findDisk(o, Disk.BLOCK, id);
      return found && found.disk.reservations.length === 1 ? found : undefined;
    });
    await fw.sub.accept([last.offer.id!.value], [destroyDisk("destroy-block", last.disk)], 0);
    expect(OperationState[(await operationState(fw, "destroy-block")).state]).toBe("OPERATION_FINISHED");
    expect(existsSync(join(dir, "plugin", "data", `${id}.img`))).toBe(false);
    await offerWith(fw, wholePool);
  }, 120_000);
});

test("an operation made against an older resource version is dropped with Mesos's message", async () => {
  const { agent, fw } = await setup("v1");
  const { offer, pool } = await offerWith(fw, (o) => findPool(o, "fast"));
  await fw.sub.decline([offer.id!.value], 0);
  const providers = agent.ctx.resourceProviders;
  const current = uuidFromBytes(providers.report()[0]!.resourceVersionUuid);
  const stale = newUuidBytes();
  const operationUuid = newUuidBytes();
  providers.applyOperation(
    create(internal.ApplyOperationSchema, {
      frameworkId: { value: fw.sub.frameworkId },
      info: createDisk("stale", withScalar(pool, 10)),
      operationUuid,
      resourceProviderId: pool.providerId,
      resourceVersionUuid: stale,
    }),
  );
  const status = agent.ctx.operations.get(uuidFromBytes(operationUuid))?.latestStatus;
  expect(`${OperationState[status?.state ?? 0]}: ${status?.message}`).toBe(
    `OPERATION_DROPPED: Mismatched resource version ${uuidFromBytes(stale)} (expected: ${current})`,
  );
  const metrics = (await (await fetch(`${agent.url}/metrics/snapshot`)).json()) as Record<string, number>;
  expect(metrics["resource_providers/org.apache.mesos.rp.local.storage.test/operations/create_disk/dropped"]).toBe(1);
}, 120_000);

test("a provider whose plugin speaks no CSI version stays down, the agent and its other provider carry on, a fixed config starts it", async () => {
  const brokenCommand = () => `'${process.execPath}' '${join(REPO_ROOT, "test/fixtures/csi/no-csi-plugin.ts")}'`;
  let brokenConfig = "";
  const { agent, fw, dir } = await setup("v1", {
    moreConfigs: (configDir, dir) => {
      brokenConfig = writeProviderConfig(configDir, {
        version: "v1",
        name: "broken",
        pluginName: "broken",
        pluginWorkDir: join(dir, "broken"),
        command: brokenCommand,
      });
    },
  });
  const metric = "resource_providers/org.apache.mesos.rp.local.storage.broken/csi_plugin/rpcs_failed";
  await eventually(
    async () => ((await (await fetch(`${agent.url}/metrics/snapshot`)).json()) as Record<string, number>)[metric]! >= 1,
    60_000,
    metric,
  );
  await offerWith(fw, (o) => findPool(o, "fast"));
  expect((await providerNames(agent.url)).sort()).toEqual(["test"]);

  // Only the plugin's containers may change: the same config with the hostpath plugin's command.
  const fixed = JSON.parse(readFileSync(brokenConfig, "utf8"));
  const good = JSON.parse(readFileSync(writeProviderConfig(join(dir, "scratch"), { version: "v1", pluginWorkDir: join(dir, "broken") }), "utf8"));
  fixed.storage.plugin.containers = good.storage.plugin.containers;
  const updated = await operatorCall(agent.url, { type: "UPDATE_RESOURCE_PROVIDER_CONFIG", update_resource_provider_config: { info: fixed } });
  expect(updated.status).toBe(200);
  await eventually(async () => (await providerNames(agent.url)).length === 2, 60_000, "the fixed provider");
  expect((await providerNames(agent.url)).sort()).toEqual(["broken", "test"]);
}, 120_000);

test("the operator's resource provider calls", async () => {
  const { agent, master } = await setup("v1");
  const call = (body: object) => operatorCall(agent.url, body);
  const providers = () => resourceProviders(agent.url);
  const [provider] = await eventually(async () => {
    const list = await providers();
    return list.length > 0 ? list : undefined;
  }, 60_000);
  expect(provider!.resource_provider_info.name).toBe("test");
  const pool = provider!.total_resources.find((r) => r.disk?.source?.profile === "fast");
  expect(pool?.provider_id?.value).toBe(provider!.resource_provider_info.id.value);
  const state = (await (await fetch(`${agent.url}/state`)).json()) as { resource_providers: ProviderJson[] };
  expect(state.resource_providers.map((p) => p.resource_provider_info.id.value)).toEqual([provider!.resource_provider_info.id.value]);
  expect(state.resource_providers[0]!.total_resources).toEqual(provider!.total_resources);

  // The master knows it from the agent's UpdateState: GET_AGENTS, and GET_STATE's agents.
  type AgentsJson = { agents: { resource_providers?: ProviderJson[] }[] };
  const masterViews = async () => {
    const agents = (await (await operatorCall(master.url, { type: "GET_AGENTS" })).json()) as { get_agents: AgentsJson };
    const state = (await (await operatorCall(master.url, { type: "GET_STATE" })).json()) as { get_state: { get_agents: AgentsJson } };
    return [agents.get_agents, state.get_state.get_agents].map((view) => view.agents[0]?.resource_providers ?? []);
  };
  const views = await eventually(
    async () => {
      const all = await masterViews();
      return all.every((v) => v[0] && Bun.deepEquals(v[0].total_resources, provider!.total_resources)) ? all : undefined;
    },
    30_000,
    "the master's views of the provider",
  );
  for (const [known] of views) expect(known!.resource_provider_info).toEqual(provider!.resource_provider_info);
  const metrics = (await (await fetch(`${agent.url}/metrics/snapshot`)).json()) as Record<string, number>;
  expect(metrics["resource_providers/org.apache.mesos.rp.local.storage.test/csi_plugin/rpcs_finished"]).toBeGreaterThan(0);
  expect(metrics["resource_providers/org.apache.mesos.rp.local.storage.test/operations/create_disk/finished"]).toBe(0);

  const info = { type: "org.apache.mesos.rp.local.storage", name: "test", storage: { plugin: { type: "x", name: "y", containers: [] } } };
  const conflicting = await call({
    type: "ADD_RESOURCE_PROVIDER_CONFIG",
    add_resource_provider_config: {
      info: {
        ...info,
        storage: {
          plugin: {
            type: "org.apache.mesos.csi.hostpath",
            name: "other",
            containers: [{ services: ["CONTROLLER_SERVICE", "NODE_SERVICE"], command: { value: "true" } }],
          },
        },
      },
    },
  });
  expect(conflicting.status).toBe(409);
  const invalid = await call({ type: "ADD_RESOURCE_PROVIDER_CONFIG", add_resource_provider_config: { info: { ...info, name: "other" } } });
  expect(invalid.status).toBe(400);
  expect(await invalid.text()).toContain("NODE_SERVICE not found");
  const missing = await call({
    type: "UPDATE_RESOURCE_PROVIDER_CONFIG",
    update_resource_provider_config: {
      info: {
        ...info,
        name: "missing",
        storage: { plugin: { type: "a", name: "b", containers: [{ services: ["CONTROLLER_SERVICE", "NODE_SERVICE"], command: { value: "true" } }] } },
      },
    },
  });
  expect(missing.status).toBe(404);
  const stillConfigured = await call({
    type: "MARK_RESOURCE_PROVIDER_GONE",
    mark_resource_provider_gone: { resource_provider_id: provider!.resource_provider_info.id },
  });
  expect(stillConfigured.status).toBe(400);
  expect((await call({ type: "REMOVE_RESOURCE_PROVIDER_CONFIG", remove_resource_provider_config: { type: info.type, name: "test" } })).status).toBe(
    200,
  );
  expect(await providers()).toEqual([]);
  expect(
    (await call({ type: "MARK_RESOURCE_PROVIDER_GONE", mark_resource_provider_gone: { resource_provider_id: provider!.resource_provider_info.id } }))
      .status,
  ).toBe(200);
  await eventually(async () => (await masterViews()).every((v) => v.length === 0), 30_000, "the master to forget the provider");
  // Its plugin container was killed with it.
  const containers = (await (await call({ type: "GET_CONTAINERS", get_containers: { show_standalone: true } })).json()) as {
    get_containers: { containers?: unknown[] };
  };
  expect(containers.get_containers.containers ?? []).toEqual([]);
}, 120_000);
