/**
 * CREATE_DISK throughput: one master and one agent in this process, the agent's storage resource
 * provider running the reference hostpath plugin (CSI v1, as a standalone container), and a
 * framework that turns 1 MB pieces of the storage pool into MOUNT disks until `ops` operations have
 * finished (each: master -> agent -> provider -> CreateVolume, checkpointed at every step, status
 * update to the framework and its acknowledgement). Prints the total time and operations/s.
 *
 *   npx bun bench/csi-create-disk.ts [ops=1000] [per_accept=100]
 *
 * Needs root (the agent's containers). Compass: Kubernetes' hostpath driver created 1,000 volumes
 * in 193 s on 10 nodes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { clone, create } from "@bufbuild/protobuf";
import { agentFlagSpecs, startAgent } from "@mesos/agent";
import { subscribe } from "@mesos/client";
import { parseFlags, silentLogger } from "@mesos/core";
import { listMountPoints, MNT_DETACH, umount2 } from "@mesos/linux";
import { createHierarchicalAllocator, masterFlagSpecs, startMaster } from "@mesos/master";
import {
  FrameworkInfo_Capability_Type as Cap,
  type Offer,
  Offer_Operation_Type,
  OperationState,
  Resource_DiskInfo_Source_Type as Disk,
  ResourceSchema,
  scheduler,
  Value_ScalarSchema,
} from "@mesos/proto";

const OPS = Number(process.argv[2] ?? 1000);
const PER_ACCEPT = Number(process.argv[3] ?? 100);
const repo = resolve(import.meta.dir, "..");

if (process.getuid?.() !== 0) {
  console.log("csi-create-disk: skipped (the agent's containers need root)");
  process.exit(0);
}

const root = mkdtempSync(join(tmpdir(), "bench-csi-"));
const profiles = join(root, "profiles.json");
writeFileSync(
  profiles,
  JSON.stringify({
    profile_matrix: {
      fast: {
        csi_plugin_type_selector: { plugin_type: "org.apache.mesos.csi.hostpath" },
        volume_capabilities: { mount: {}, access_mode: { mode: "SINGLE_NODE_WRITER" } },
      },
    },
  }),
);
mkdirSync(join(root, "providers"));
const plugin = [
  process.execPath,
  join(repo, "plugins/csi-hostpath/src/main.ts"),
  "--api_version=v1",
  `--work_dir=${join(root, "plugin")}`,
  `--available_capacity=${OPS * 2}MB`,
  "--logging_level=warning",
];
writeFileSync(
  join(root, "providers", "bench.json"),
  JSON.stringify({
    type: "org.apache.mesos.rp.local.storage",
    name: "bench",
    default_reservations: [{ type: "DYNAMIC", role: "storage" }],
    storage: {
      plugin: {
        type: "org.apache.mesos.csi.hostpath",
        name: "local",
        containers: [{ services: ["CONTROLLER_SERVICE", "NODE_SERVICE"], command: { shell: true, value: plugin.map((a) => `'${a}'`).join(" ") } }],
      },
    },
  }),
);

const master = await startMaster({
  flags: parseFlags(masterFlagSpecs, [`--work_dir=${join(root, "master")}`, "--port=0", "--allocation_interval=50ms"], {}).values,
  log: silentLogger,
  createAllocator: createHierarchicalAllocator,
});
const agent = await startAgent({
  flags: parseFlags(
    agentFlagSpecs,
    [
      `--master=127.0.0.1:${master.port}`,
      `--work_dir=${join(root, "agent")}`,
      "--port=0",
      "--resources=cpus:4;mem:4096;disk:1000",
      "--registration_backoff_factor=10ms",
      `--resource_provider_config_dir=${join(root, "providers")}`,
      `--disk_profile_adaptor=uri=${profiles}`,
    ],
    {},
  ).values,
  log: silentLogger,
  launchHelperCommand: [process.execPath, join(repo, "apps/mesos/src/main.ts")],
});
await agent.registered;

const sub = await subscribe(`http://127.0.0.1:${master.port}`, {
  user: "root",
  name: "bench-create-disk",
  roles: ["storage"],
  capabilities: [{ type: Cap.MULTI_ROLE }, { type: Cap.RESERVATION_REFINEMENT }],
});

let finished = 0;
let failed = 0;
const ended = new Set<string>();
let sent = 0;
let start = 0;
const done = Promise.withResolvers<void>();

const piece = (pool: NonNullable<Offer["resources"][number]>) => {
  const r = clone(ResourceSchema, pool);
  r.scalar = create(Value_ScalarSchema, { value: 1 });
  return r;
};

void (async () => {
  for await (const event of sub.events) {
    if (event.type === scheduler.Event_Type.OFFERS) {
      for (const offer of event.offers!.offers) {
        const pool = offer.resources.find(
          (r) => r.providerId && r.disk?.source?.type === Disk.RAW && r.disk.source.profile === "fast" && !r.disk.source.id,
        );
        const count = pool ? Math.min(PER_ACCEPT, OPS - sent, Math.floor(pool.scalar!.value)) : 0;
        if (count === 0) {
          await sub.decline([offer.id!.value], 1);
          continue;
        }
        if (sent === 0) start = performance.now();
        const operations = Array.from({ length: count }, (_, i) => ({
          id: { value: `disk-${sent + i}` },
          type: Offer_Operation_Type.CREATE_DISK,
          createDisk: { source: piece(pool!), targetType: Disk.MOUNT },
        }));
        sent += count;
        await sub.accept([offer.id!.value], operations, 0);
      }
    } else if (event.type === scheduler.Event_Type.UPDATE_OPERATION_STATUS) {
      const status = event.updateOperationStatus!.status!;
      if (status.uuid) {
        // The agent retries an update until our acknowledgement reaches it: a duplicate may come
        // (even after the end), acknowledged again but counted once.
        void sub
          .call({
            type: scheduler.Call_Type.ACKNOWLEDGE_OPERATION_STATUS,
            acknowledgeOperationStatus: { agentId: status.agentId, operationId: status.operationId, uuid: status.uuid.value },
          })
          .catch(() => {});
      }
      const id = status.operationId!.value;
      if (status.state === OperationState.OPERATION_PENDING || ended.has(id)) continue;
      ended.add(id);
      if (status.state === OperationState.OPERATION_FINISHED) finished++;
      else {
        failed++;
        if (failed <= 3) console.log(`${OperationState[status.state]}: ${status.message}`);
      }
      if ((finished + failed) % 100 === 0 && process.env.BENCH_PROGRESS)
        console.log(`${finished + failed} at ${((performance.now() - start) / 1000).toFixed(1)} s`);
      if (finished + failed >= OPS) done.resolve();
    }
  }
})();

await done.promise;
const seconds = (performance.now() - start) / 1000;
console.log(
  `csi-create-disk: ${finished} CREATE_DISK finished (${failed} failed) in ${seconds.toFixed(1)} s = ${(finished / seconds).toFixed(1)} operations/s ` +
    `(one agent, hostpath plugin CSI v1, ${PER_ACCEPT} per ACCEPT, ${cpus().length} cores)`,
);
sub.close();
// The plugin container outlives the agent by design; this benchmark started it, so it ends it.
await agent.ctx.resourceProviders.stop();
for (const key of agent.ctx.containerizer.keys()) await agent.ctx.containerizer.destroy(key).catch(() => undefined);
await agent.stop();
await master.stop();
for (const point of listMountPoints()
  .filter((p) => p.startsWith(`${root}/`))
  .reverse())
  umount2(point, MNT_DETACH);
rmSync(root, { recursive: true, force: true });
process.exit(0);
