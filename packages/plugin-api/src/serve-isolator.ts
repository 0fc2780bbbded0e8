/**
 * The plugin's side, for plugin authors writing TypeScript: serve any `Isolator` as an isolator
 * plugin (`mesos.isolator.v1` Identity and Isolator over Connect) on a unix socket. Plugins in
 * other languages implement the same two services from proto/mesos/isolator/v1/isolator.proto with
 * any gRPC or Connect server.
 */
import { existsSync, unlinkSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { ResourceStatisticsSchema, isolator as api } from "@mesos/proto";
import { mountConnect } from "@mesos/rpc";
import { Hono } from "hono";
import { containerIdString } from "./container-id.ts";
import type { Isolator } from "./isolator.ts";
import { ISOLATOR_API_VERSIONS } from "./versions.ts";

export interface ServeIsolatorOptions {
  /** The unix socket to listen on (replaced if it exists). */
  socket: string;
  vendorVersion?: string;
  /** What Identity reports; default every version this package speaks. */
  apiVersions?: readonly string[];
  /** How often a quiet Watch stream gets a heartbeat. Default 10 s. */
  heartbeatMs?: number;
}

export interface ServedIsolator {
  socket: string;
  stop(): Promise<void>;
}

export function isolatorRoutes(isolator: Isolator, options: Omit<ServeIsolatorOptions, "socket"> = {}) {
  const watches = new Map<string, AbortController>();
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  return (router: ConnectRouter) => {
    router.service(api.Identity, {
      getPluginInfo: () => ({
        name: isolator.name,
        apiVersions: [...(options.apiVersions ?? ISOLATOR_API_VERSIONS)],
        vendorVersion: options.vendorVersion,
      }),
    });
    router.service(api.Isolator, {
      async recover(req) {
        await isolator.recover?.(req.states, req.orphans);
        return {};
      },
      async prepare(req) {
        const launchInfo = await isolator.prepare?.(req.config!);
        return { launchInfo: launchInfo ? create(api.ContainerLaunchInfoSchema, launchInfo) : undefined };
      },
      async isolate(req) {
        await isolator.isolate?.(req.containerId!, req.pid);
        return {};
      },
      async *watch(req, ctx) {
        const key = containerIdString(req.containerId!);
        watches.get(key)?.abort();
        const ended = new AbortController();
        watches.set(key, ended);
        ctx.signal.addEventListener("abort", () => ended.abort(), { once: true });
        const result = isolator.watch
          ? isolator.watch(req.containerId!, ended.signal)
          : new Promise<undefined>((resolve) => ended.signal.addEventListener("abort", () => resolve(undefined), { once: true }));
        let settled: { value: Awaited<typeof result> } | undefined;
        result.then(
          (value) => (settled = { value }),
          () => (settled = { value: undefined }),
        );
        try {
          while (!settled) {
            await Promise.race([result.catch(() => undefined), Bun.sleep(heartbeatMs)]);
            if (!settled) yield create(api.WatchEventSchema, { event: { case: "heartbeat", value: {} } });
          }
          const limitation = settled.value;
          if (limitation)
            yield create(api.WatchEventSchema, { event: { case: "limitation", value: create(api.ContainerLimitationSchema, limitation) } });
        } finally {
          if (watches.get(key) === ended) watches.delete(key);
        }
      },
      async unwatch(req) {
        watches.get(containerIdString(req.containerId!))?.abort();
        return {};
      },
      async update(req) {
        await isolator.update?.(req.containerId!, req.resources);
        return {};
      },
      async usage(req) {
        const statistics = await isolator.usage?.(req.containerId!);
        const message = statistics ? create(ResourceStatisticsSchema, statistics) : undefined;
        if (message && !message.timestamp) message.timestamp = Date.now() / 1000;
        return { statistics: message };
      },
      async status(req) {
        return { status: await isolator.status?.(req.containerId!) };
      },
      async cleanup(req) {
        await isolator.cleanup?.(req.containerId!);
        return {};
      },
      async metrics() {
        return { metrics: (await isolator.metrics?.()) ?? {} };
      },
    });
  };
}

export function serveIsolator(isolator: Isolator, options: ServeIsolatorOptions): ServedIsolator {
  if (existsSync(options.socket)) unlinkSync(options.socket);
  const app = new Hono();
  mountConnect(app, isolatorRoutes(isolator, options));
  // idleTimeout 0: Watch streams are quiet between heartbeats (the unix options type lacks it).
  const server = Bun.serve({ unix: options.socket, fetch: app.fetch, idleTimeout: 0 } as unknown as Parameters<typeof Bun.serve>[0]);
  return {
    socket: options.socket,
    async stop() {
      await server.stop(true);
      if (existsSync(options.socket)) unlinkSync(options.socket);
    },
  };
}
