/**
 * The service manager of one CSI plugin (src/csi/service_manager.cpp): runs the plugin's containers
 * (each with `CSI_ENDPOINT=unix://<short temp dir>/endpoint.sock`), relaunches one that dies, waits
 * for its socket (1 minute by default, as Mesos), detects the CSI version with Probe, and hands out
 * clients of that version per service. A container that dies before serving, a socket that never
 * appears, a plugin speaking no known version or switching versions are terminal errors with a message.
 * Plugins run outside Mesos can be given as fixed endpoints instead (Mesos 1.9's unmanaged plugins).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { toJsonString } from "@bufbuild/protobuf";
import { type Clock, type Logger, MesosError, errorMessage } from "@mesos/core";
import { type CSIPluginContainerInfo, CSIPluginContainerInfo_Service, CSIPluginContainerInfoSchema, type CSIPluginInfo } from "@mesos/proto";
import type { CsiApiVersion, CsiClient, CsiService } from "./client.ts";
import { connectCsi, type CsiConnection, endpointPath } from "./connection.ts";
import { clientFor, detectApiVersion } from "./detect-version.ts";
import type { CsiMetrics } from "./metrics.ts";
import * as paths from "./paths.ts";
import type { PluginContainerLauncher } from "./plugin-launcher.ts";

/** Mesos's CSI_ENDPOINT_CREATION_TIMEOUT. */
const DEFAULT_ENDPOINT_TIMEOUT_MS = 60_000;
const POLL_MS = 10;

export interface ServiceManagerOptions {
  /** The CSI root, e.g. `<agent work_dir>/csi`. */
  rootDir: string;
  plugin: CSIPluginInfo;
  services: CsiService[];
  /** Container ids are `<prefix><type with dots as dashes>-<name>--<services>`. */
  containerPrefix: string;
  launcher: PluginContainerLauncher;
  /** Fixed endpoints for plugins run outside Mesos; a service listed here gets no container. */
  endpoints?: Partial<Record<CsiService, string>>;
  clock: Clock;
  log: Logger;
  metrics: CsiMetrics;
  endpointTimeoutMs?: number;
  rpcTimeoutMs?: number;
}

interface Connected {
  connection: CsiConnection;
  client: CsiClient;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // a failure is reported to whoever asks, not as an unhandled rejection
  return { promise, resolve, reject };
}

function pluginContainerId(plugin: CSIPluginInfo, prefix: string, container: CSIPluginContainerInfo): string {
  const services = container.services.map((s) => CSIPluginContainerInfo_Service[s]);
  return `${prefix}${[plugin.type.replaceAll(".", "-"), plugin.name].join("-")}--${services.join("-")}`;
}

export function createServiceManager(options: ServiceManagerOptions) {
  const { plugin, launcher, clock, log, metrics } = options;
  const root = paths.pluginDir(options.rootDir, plugin.type, plugin.name);
  const timeoutMs = options.endpointTimeoutMs ?? DEFAULT_ENDPOINT_TIMEOUT_MS;
  const what = `CSI plugin type '${plugin.type}' and name '${plugin.name}'`;
  let apiVersion: CsiApiVersion | undefined;
  let stopped = false;

  // Each service is served by the first container listing it, or by a fixed endpoint.
  const containers = new Map<string, CSIPluginContainerInfo>();
  const serviceContainer = new Map<CsiService, string>();
  for (const service of options.services) {
    if (options.endpoints?.[service]) continue;
    const config = plugin.containers.find((c) => c.services.some((s) => CSIPluginContainerInfo_Service[s] === service));
    if (!config) throw new MesosError("invalid", `${service} not found for ${what}`);
    const id = pluginContainerId(plugin, options.containerPrefix, config);
    containers.set(id, config);
    serviceContainer.set(service, id);
  }

  const current = new Map<string, ReturnType<typeof deferred<Connected>>>();
  const supervised = new Set<string>();
  const fixed = new Map<string, Promise<Connected>>();
  /** Launches under way: stopping waits for them (and then kills what they started). */
  const launches = new Set<Promise<void>>();

  async function waitEndpoint(endpoint: string, exited?: Promise<string>): Promise<void> {
    const socket = endpointPath(endpoint);
    const deadline = clock.now() + timeoutMs;
    let ended: string | undefined;
    exited?.then((how) => (ended = how));
    while (!existsSync(socket)) {
      if (ended !== undefined) throw new MesosError("unavailable", `The plugin container ${ended} before creating its endpoint '${endpoint}'`);
      if (clock.now() >= deadline) throw new MesosError("unavailable", `Timed out waiting for endpoint '${endpoint}'`);
      await clock.sleep(POLL_MS);
    }
  }

  /** Probes until the plugin says it is ready; the first answer fixes the API version. */
  async function probe(connection: CsiConnection): Promise<CsiClient> {
    const deadline = clock.now() + timeoutMs;
    metrics.rpcsPending++;
    try {
      for (;;) {
        const { version, ready } = await detectApiVersion(connection);
        if (apiVersion && apiVersion !== version) {
          throw new MesosError(
            "failed_precondition",
            `Failed to probe endpoint '${connection.endpoint}': Inconsistent API version (it speaks CSI ${version}, the plugin spoke ${apiVersion} before)`,
          );
        }
        apiVersion = version;
        if (ready) {
          metrics.rpcsFinished++;
          return clientFor(version, connection);
        }
        if (clock.now() >= deadline) throw new MesosError("unavailable", `Endpoint '${connection.endpoint}' never became ready`);
        await clock.sleep(100);
      }
    } catch (e) {
      metrics.rpcsFailed++;
      throw e;
    } finally {
      metrics.rpcsPending--;
    }
  }

  async function connect(endpoint: string, exited?: Promise<string>): Promise<Connected> {
    await waitEndpoint(endpoint, exited);
    const connection = connectCsi(endpoint, { rpcTimeoutMs: options.rpcTimeoutMs });
    try {
      const probing = probe(connection);
      const client = exited
        ? await Promise.race([
            probing,
            exited.then((how) => Promise.reject(new MesosError("unavailable", `The plugin container ${how} while being probed`))),
          ])
        : await probing;
      return { connection, client };
    } catch (e) {
      connection.close();
      throw e;
    }
  }

  /** Launches the container, connects, and relaunches it whenever it ends (Mesos's ContainerDaemon). */
  async function supervise(containerId: string): Promise<void> {
    const config = containers.get(containerId)!;
    while (!stopped) {
      const slot = current.get(containerId)!;
      let connected: Connected | undefined;
      try {
        // The config is checkpointed first, so recovery finds the container even if launching fails.
        mkdirSync(paths.containerDir(root, containerId), { recursive: true });
        writeFileSync(paths.containerInfoPath(root, containerId), toJsonString(CSIPluginContainerInfoSchema, config));
        const endpoint = `unix://${paths.endpointSocketPath(root, containerId)}`;
        if (stopped) return;
        log.info(`Launching plugin container '${containerId}' of ${what} with CSI_ENDPOINT=${endpoint}`);
        const launching = launcher.launch({
          containerId,
          command: config.command,
          resources: config.resources,
          container: config.container,
          env: { CSI_ENDPOINT: endpoint },
          volumes: [
            { path: dirname(endpointPath(endpoint)), shared: false },
            { path: paths.mountRootDir(root), shared: true },
          ],
        });
        launches.add(launching);
        await launching.finally(() => launches.delete(launching));
        if (stopped) {
          // Stopped while launching: this container was never handed out.
          await launcher.kill(containerId);
          return;
        }
        const exited = launcher.wait(containerId);
        connected = await connect(endpoint, exited);
        log.info(`Connected to endpoint '${endpoint}' of plugin container '${containerId}' (CSI ${connected.client.apiVersion})`);
        slot.resolve(connected);
        const how = await exited;
        metrics.containerTerminations++;
        log.warn(`Plugin container '${containerId}' of ${what} ${how}${stopped ? "" : "; relaunching it"}`);
        current.set(containerId, deferred());
        rmSync(endpointPath(endpoint), { force: true });
      } catch (e) {
        const error = new MesosError("unavailable", `Failed to start plugin container '${containerId}' of ${what}: ${errorMessage(e)}`, { cause: e });
        log.error(error.message);
        slot.reject(error);
        await launcher.kill(containerId).catch(() => undefined);
        return;
      } finally {
        connected?.connection.close();
      }
    }
  }

  function connectedFor(service: CsiService): Promise<Connected> {
    const endpoint = options.endpoints?.[service];
    if (endpoint) {
      if (!fixed.has(endpoint)) {
        // A failed attempt is not kept: the next call tries again (nobody restarts such a plugin for us).
        const attempt = connect(endpoint);
        fixed.set(endpoint, attempt);
        attempt.catch(() => fixed.delete(endpoint));
      }
      return fixed.get(endpoint)!;
    }
    const containerId = serviceContainer.get(service);
    if (!containerId) return Promise.reject(new MesosError("invalid", `${service} not found for ${what}`));
    if (!supervised.has(containerId)) {
      supervised.add(containerId);
      current.set(containerId, deferred());
      void supervise(containerId);
    }
    return current.get(containerId)!.promise;
  }

  return {
    /** Kills plugin containers left from before that are not configured any more or changed. */
    async recover(): Promise<void> {
      const running = new Set(await launcher.running(options.containerPrefix));
      const dir = paths.containersDir(root);
      const checkpointed = existsSync(dir) ? readdirSync(dir) : [];
      for (const id of new Set([...checkpointed, ...running])) {
        const config = containers.get(id);
        const infoPath = paths.containerInfoPath(root, id);
        const upToDate =
          config && running.has(id) && existsSync(infoPath) && readFileSync(infoPath, "utf8") === toJsonString(CSIPluginContainerInfoSchema, config);
        if (upToDate) continue;
        log.info(`Cleaning up plugin container '${id}'`);
        if (running.has(id)) {
          await launcher.kill(id);
          await launcher.wait(id);
        }
        paths.removeContainerDir(root, id);
      }
    },

    /** A connected client of the plugin's CSI version for the service (waits for a restarting plugin). */
    async client(service: CsiService): Promise<CsiClient> {
      return (await connectedFor(service)).client;
    },

    async endpoint(service: CsiService): Promise<string> {
      return (await connectedFor(service)).connection.endpoint;
    },

    /** The detected CSI version (connects to the first service if nothing is connected yet). */
    async apiVersion(): Promise<CsiApiVersion> {
      if (!apiVersion) await connectedFor(options.services[0]!);
      return apiVersion!;
    },

    /** Stops supervising; with `kill`, the plugin containers are killed too (the provider is removed). */
    async stop(opts: { kill?: boolean } = {}): Promise<void> {
      stopped = true;
      await Promise.allSettled([...launches]);
      for (const f of fixed.values())
        void f.then(
          (c) => c.connection.close(),
          () => undefined,
        );
      if (opts.kill) for (const id of supervised) await launcher.kill(id);
    },
  };
}

export type ServiceManager = ReturnType<typeof createServiceManager>;
