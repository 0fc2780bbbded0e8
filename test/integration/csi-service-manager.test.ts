/**
 * The service manager running plugin containers (here as host processes): CSI_ENDPOINT in a short
 * temp dir, version detection per plugin, a crashed plugin relaunched with its volumes intact and a
 * call made during the outage retried, and the start-up failures that must be clear errors: a socket
 * that never appears, a plugin that dies at once, one that speaks no CSI version, one that changes
 * version, and leftover containers with an old config.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { silentLogger, systemClock } from "@mesos/core";
import {
  createCsiMetrics,
  createMemoryVolumeStateStore,
  createProcessLauncher,
  createServiceManager,
  createVolumeManager,
  csiPaths,
  type CsiService,
  endpointPath,
  type PluginContainerLauncher,
} from "@mesos/plugin-csi";
import { CSIPluginContainerInfo_Service as Service, CSIPluginInfoSchema } from "@mesos/proto";
import { REPO_ROOT, tempDir } from "../support/cluster.ts";
import { CSI_VERSIONS, cleanUpHost, hostpathCommand, mountCapability } from "../support/csi.ts";

const MB = 1024 * 1024;
const BOTH: CsiService[] = ["CONTROLLER_SERVICE", "NODE_SERVICE"];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function pluginInfo(containers: { services: Service[]; shell: string }[]) {
  return create(CSIPluginInfoSchema, {
    type: "org.apache.mesos.csi.hostpath",
    name: "test",
    containers: containers.map((c) => ({ services: c.services, command: { shell: true, value: c.shell } })),
  });
}

function manager(
  dir: string,
  info: ReturnType<typeof pluginInfo>,
  options: { services?: CsiService[]; launcher?: PluginContainerLauncher; endpointTimeoutMs?: number } = {},
) {
  const launcher = options.launcher ?? createProcessLauncher({ sandboxRoot: join(dir, "sandboxes") });
  const metrics = createCsiMetrics();
  const services = createServiceManager({
    rootDir: join(dir, "csi"),
    plugin: info,
    services: options.services ?? BOTH,
    containerPrefix: "org-apache-mesos-rp-local-storage-test--",
    launcher,
    clock: systemClock,
    log: silentLogger,
    metrics,
    endpointTimeoutMs: options.endpointTimeoutMs ?? 30_000,
  });
  cleanups.push(() => services.stop({ kill: true }));
  return { services, metrics, launcher };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: Error) => e,
  );
}

describe.each(CSI_VERSIONS)("plugin containers speaking CSI %s", (version) => {
  test("are launched with CSI_ENDPOINT, probed, and relaunched after a crash with their volumes", async () => {
    const dir = tempDir(`csi-sm-${version}`);
    cleanups.push(() => cleanUpHost(dir));
    const work = join(dir, "plugin-work");
    const info = pluginInfo([
      {
        services: [Service.CONTROLLER_SERVICE, Service.NODE_SERVICE],
        shell: hostpathCommand([`--api_version=${version}`, `--work_dir=${work}`, "--available_capacity=1GB"]),
      },
    ]);
    const { services, metrics, launcher } = manager(dir, info);
    const containerId = "org-apache-mesos-rp-local-storage-test--org-apache-mesos-csi-hostpath-test--CONTROLLER_SERVICE-NODE_SERVICE";

    expect(await services.apiVersion()).toBe(version);
    const endpoint = await services.endpoint("NODE_SERVICE");
    const link = readlinkSync(join(dir, "csi/org.apache.mesos.csi.hostpath/test/containers", containerId, "endpoint"));
    expect(endpoint).toBe(`unix://${link}/endpoint.sock`);
    expect(await launcher.running("org-apache-mesos-rp-local-storage-test--")).toEqual([containerId]);

    const volumes = createVolumeManager({
      plugin: info,
      services: BOTH,
      clients: services,
      store: createMemoryVolumeStateStore(),
      mountRoot: csiPaths.mountRootDir(join(dir, "csi/org.apache.mesos.csi.hostpath/test")),
      clock: systemClock,
      log: silentLogger,
      metrics,
      backoffFactorMs: 50,
    });
    await volumes.recover();
    const before = await volumes.createVolume("before-crash", 10 * MB, mountCapability(), {});

    await launcher.kill(containerId); // the plugin dies (SIGKILL)...
    const during = volumes.createVolume("during-outage", 10 * MB, mountCapability(), {}); // ...while a call is being made
    expect((await during).id).toBe("during-outage");
    expect(metrics.containerTerminations).toBe(1);
    expect((await volumes.listVolumes()).map((v) => v.id).sort()).toEqual([before.id, "during-outage"]);
    expect(await services.endpoint("NODE_SERVICE")).toBe(endpoint); // same socket dir after the relaunch
  }, 60_000);
});

describe("plugin container failures", () => {
  test("a plugin that never creates its socket times out with Mesos's message", async () => {
    const dir = tempDir("csi-sm-nosocket");
    const { services } = manager(dir, pluginInfo([{ services: [Service.CONTROLLER_SERVICE, Service.NODE_SERVICE], shell: "sleep 60" }]), {
      endpointTimeoutMs: 300,
    });
    const error = await failure(services.client("CONTROLLER_SERVICE"));
    expect(error.message).toMatch(
      /Failed to start plugin container '.*' of CSI plugin type 'org.apache.mesos.csi.hostpath' and name 'test': Timed out waiting for endpoint 'unix:\/\/.*\/endpoint.sock'/,
    );
  });

  test("a plugin that exits at once is reported with its exit status", async () => {
    const dir = tempDir("csi-sm-exit");
    const { services } = manager(
      dir,
      pluginInfo([{ services: [Service.CONTROLLER_SERVICE, Service.NODE_SERVICE], shell: "echo broken >&2; exit 3" }]),
    );
    const error = await failure(services.client("NODE_SERVICE"));
    expect(error.message).toContain("The plugin container exited with status 3 before creating its endpoint");
  });

  test("a plugin that speaks neither CSI v1 nor v0 is refused", async () => {
    const dir = tempDir("csi-sm-neither");
    const script = join(REPO_ROOT, "test/fixtures/csi/no-csi-plugin.ts");
    const { services } = manager(
      dir,
      pluginInfo([{ services: [Service.CONTROLLER_SERVICE, Service.NODE_SERVICE], shell: `'${process.execPath}' '${script}'` }]),
    );
    const error = await failure(services.apiVersion());
    expect(error.message).toMatch(/Failed to probe endpoint 'unix:\/\/.*': Unknown CSI API version/);
  });

  test("a plugin that answers in another version after a restart is refused", async () => {
    const dir = tempDir("csi-sm-flip");
    const work = join(dir, "plugin-work");
    const marker = join(dir, "started-once");
    const v1 = hostpathCommand(["--api_version=v1", `--work_dir=${work}`, "--available_capacity=1GB"]);
    const v0 = hostpathCommand(["--api_version=v0", `--work_dir=${work}`, "--available_capacity=1GB"]);
    const info = pluginInfo([
      {
        services: [Service.CONTROLLER_SERVICE, Service.NODE_SERVICE],
        shell: `if [ -e '${marker}' ]; then exec ${v0}; else touch '${marker}'; exec ${v1}; fi`,
      },
    ]);
    const { services, launcher } = manager(dir, info);
    expect(await services.apiVersion()).toBe("v1");
    const [id] = await launcher.running("");
    await launcher.kill(id!);
    const error = await failure(
      (async () => {
        for (;;) {
          await services.client("CONTROLLER_SERVICE");
          await Bun.sleep(20);
        }
      })(),
    );
    expect(error.message).toContain("Inconsistent API version (it speaks CSI v0, the plugin spoke v1 before)");
  }, 30_000);

  test("separate controller and node containers each get their own endpoint", async () => {
    const dir = tempDir("csi-sm-split");
    const work = join(dir, "plugin-work");
    const command = hostpathCommand(["--api_version=v1", `--work_dir=${work}`, "--available_capacity=1GB"]);
    const info = pluginInfo([
      { services: [Service.CONTROLLER_SERVICE], shell: command },
      { services: [Service.NODE_SERVICE], shell: command },
    ]);
    const { services, launcher } = manager(dir, info);
    const [controller, node] = await Promise.all([services.endpoint("CONTROLLER_SERVICE"), services.endpoint("NODE_SERVICE")]);
    expect(controller).not.toBe(node);
    expect((await launcher.running("")).sort()).toEqual([
      "org-apache-mesos-rp-local-storage-test--org-apache-mesos-csi-hostpath-test--CONTROLLER_SERVICE",
      "org-apache-mesos-rp-local-storage-test--org-apache-mesos-csi-hostpath-test--NODE_SERVICE",
    ]);
  }, 30_000);

  test("recovery kills a leftover plugin container whose config changed and removes its directories", async () => {
    const dir = tempDir("csi-sm-recover");
    const work = join(dir, "plugin-work");
    const old = pluginInfo([
      {
        services: [Service.CONTROLLER_SERVICE, Service.NODE_SERVICE],
        shell: hostpathCommand(["--api_version=v1", `--work_dir=${work}`, "--available_capacity=1GB"]),
      },
    ]);
    const first = manager(dir, old);
    const endpoint = await first.services.endpoint("CONTROLLER_SERVICE");
    const containerDir = join(dir, "csi/org.apache.mesos.csi.hostpath/test/containers", (await first.launcher.running(""))[0]!);
    expect(existsSync(containerDir)).toBe(true);
    await first.services.stop(); // the agent goes away; the container keeps running

    const changed = pluginInfo([
      {
        services: [Service.CONTROLLER_SERVICE, Service.NODE_SERVICE],
        shell: hostpathCommand(["--api_version=v1", `--work_dir=${work}`, "--available_capacity=2GB"]),
      },
    ]);
    const second = manager(dir, changed, { launcher: first.launcher });
    await second.services.recover();
    expect(await first.launcher.running("")).toEqual([]);
    expect(existsSync(containerDir)).toBe(false);
    expect(existsSync(dirname(endpointPath(endpoint)))).toBe(false);
  }, 30_000);
});
