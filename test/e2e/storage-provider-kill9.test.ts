/**
 * kill -9 of the agent in the middle of CREATE_DISK (the compiled binary as master, agent and, as
 * `mesos csi-hostpath`, the plugin in CSI v0 and in v1 mode, whose CreateVolume takes 3 s): the plugin container keeps
 * running, the restarted agent recovers it, replays the pending operation under the same volume
 * name (the plugin sees that name again and answers with the same volume), and the framework gets
 * exactly one OPERATION_FINISHED; the MOUNT disk is then offered.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FrameworkInfo_Capability_Type as Cap, OperationState, Resource_DiskInfo_Source_Type as Disk } from "@mesos/proto";
import { ensureBinary, startDaemon, stopAllDaemons } from "../support/binary.ts";
import { eventually, tempDir } from "../support/cluster.ts";
import { CSI_VERSIONS, cleanUpHost, NO_MOUNTS } from "../support/csi.ts";
import { startTestFramework } from "../support/framework.ts";
import { createDisk, findDisk, findPool, STORAGE_ROLE, withScalar, writeProfiles, writeProviderConfig } from "../support/storage.ts";

// Each run ends its daemons and (under the agent's work dir) its plugin container, so the next one
// starts on a quiet machine.
const dirs: string[] = [];
afterEach(async () => {
  await stopAllDaemons();
  for (const dir of dirs.splice(0)) cleanUpHost(dir);
});

describe.each(CSI_VERSIONS)("the hostpath plugin speaking CSI %s", (version) => {
  test.skipIf(!!NO_MOUNTS)(
    "agent kill -9 during CREATE_DISK: the same volume name again, one OPERATION_FINISHED",
    async () => {
      const dir = tempDir(`slrp-kill9-${version}`);
      dirs.push(dir);
      // The plugin container outlives the killed agent by design; the test's clean-up ends it.
      const binary = ensureBinary();
      const profiles = join(dir, "profiles.json");
      writeProfiles(profiles, ["fast"]);
      writeProviderConfig(join(dir, "providers"), {
        version,
        pluginWorkDir: join(dir, "plugin"),
        command: (args) => [binary, "csi-hostpath", ...args].map((a) => `'${a}'`).join(" "),
        extraArgs: ["--create_delay=3secs"],
      });
      const master = startDaemon(["master", `--work_dir=${join(dir, "master")}`, "--port=0", "--allocation_interval=100ms"]);
      const [, address] = await master.waitFor(/listening on http:\/\/([\d.]+:\d+)/);
      const agentArgs = [
        "agent",
        `--master=${address}`,
        `--work_dir=${join(dir, "agent")}`,
        "--port=0",
        "--resources=cpus:1;mem:512;disk:100",
        "--registration_backoff_factor=10ms",
        `--resource_provider_config_dir=${join(dir, "providers")}`,
        `--disk_profile_adaptor=uri=${profiles}`,
      ];
      let agent = startDaemon(agentArgs);
      await agent.waitFor(/Registered with master/);

      const fw = await startTestFramework(`http://${address}`, {
        roles: [STORAGE_ROLE],
        capabilities: [{ type: Cap.MULTI_ROLE }, { type: Cap.RESERVATION_REFINEMENT }],
      });
      try {
        // Offers without the pool (the provider not ready yet) are declined, so none is held.
        let pool: ReturnType<typeof findPool>;
        while (!pool) {
          const offers = await fw.nextOffers(120_000);
          pool = findPool(offers, "fast");
          const others = offers.filter((o) => o !== pool?.offer).map((o) => o.id!.value);
          if (others.length > 0) await fw.sub.decline(others, 0);
        }
        await fw.sub.accept([pool.offer.id!.value], [createDisk("create-1", withScalar(pool.pool, 64))], 0);
        const [, name] = await agent.waitFor(/Creating volume with name '([0-9a-f-]+)'/, 30_000);
        const containers = join(dir, "agent", "containers");
        const pluginLog = () =>
          readdirSync(containers)
            .map((c) => readFileSync(join(containers, c, "stderr"), "utf8"))
            .join("\n");
        await eventually(() => pluginLog().includes(`CreateVolume '${name}' received`), 30_000, "the plugin to receive CreateVolume");

        expect(await agent.kill("SIGKILL")).not.toBe(0); // while the plugin is still creating the volume
        agent = startDaemon(agentArgs);
        await agent.waitFor(/Registered with master/);

        const finished = await eventually(
          () => fw.operationStatuses.find((s) => s.operationId?.value === "create-1" && s.state === OperationState.OPERATION_FINISHED),
          60_000,
          "OPERATION_FINISHED",
        );
        const volumeId = finished.convertedResources[0]!.disk!.source!.id;
        expect(volumeId).toBe(name!);
        let disk: ReturnType<typeof findDisk>;
        for (disk = undefined; !disk; ) disk = findDisk(await fw.nextOffers(60_000), Disk.MOUNT, volumeId);
        expect(disk.disk.scalar?.value).toBe(64);

        // The plugin was asked for the same name twice (before and after the crash) and made one volume.
        const asked = pluginLog()
          .split("\n")
          .filter((line) => line.includes(`CreateVolume '${name}' (`));
        expect(asked.length).toBe(2);
        expect(asked[1]).toContain("existing");
        expect(readdirSync(join(dir, "plugin", "data"))).toEqual([name!]);
        await Bun.sleep(1000);
        expect(fw.operationStatuses.filter((s) => s.operationId?.value === "create-1" && s.state === OperationState.OPERATION_FINISHED)).toHaveLength(
          1,
        );
      } finally {
        fw.close();
      }
    },
    180_000,
  );
});
