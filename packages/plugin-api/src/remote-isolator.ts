/**
 * The agent's side of an isolator plugin: dials the plugin's unix socket, asks who it is and which
 * API versions it speaks (Identity), picks the newest one both know, and returns an `Isolator`
 * whose steps are the plugin's `mesos.isolator.v1.Isolator` calls. Every failure says which plugin,
 * where, and what went wrong: a missing socket, a plugin too slow to answer, no common version.
 */
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { MesosError, errorMessage, failedPrecondition, formatDuration, unavailable } from "@mesos/core";
import { type ContainerID, type Resource, isolator as api } from "@mesos/proto";
import { createTransport, fromConnectError } from "@mesos/rpc";
import type { ContainerState, Isolator, LimitationInit } from "./isolator.ts";
import { ISOLATOR_API_VERSIONS, pickApiVersion } from "./versions.ts";

export interface RemoteIsolatorOptions {
  /** The name `--isolation` uses for it; the plugin must call itself the same. */
  name: string;
  /** `unix:///run/plugin.sock` (or a plain path). */
  endpoint: string;
  /** How long one call may take (not Watch). Default 5 s. */
  timeoutMs?: number;
  /** Default true; whether nested containers reach the plugin. */
  supportsNesting?: boolean;
}

export interface RemoteIsolator extends Isolator {
  readonly apiVersion: string;
  readonly pluginInfo: api.GetPluginInfoResponse;
}

export function socketPath(endpoint: string): string {
  return endpoint.startsWith("unix://") ? endpoint.slice("unix://".length) : endpoint;
}

/** Connects, checks identity and version; throws a MesosError saying why the plugin cannot be used. */
export async function connectIsolator(options: RemoteIsolatorOptions): Promise<RemoteIsolator> {
  const path = socketPath(options.endpoint);
  const where = `Isolator plugin '${options.name}' at unix://${path}`;
  const timeoutMs = options.timeoutMs ?? 5000;
  const transport = createTransport({ baseUrl: "http://localhost", unixSocket: path });
  const identity = createClient(api.Identity, transport);
  const client = createClient(api.Isolator, transport);

  const describe = (e: unknown, what: string): MesosError => {
    if (e instanceof ConnectError && e.code === Code.DeadlineExceeded) {
      return unavailable(`${where} did not answer ${what} within ${formatDuration(timeoutMs)}`, e);
    }
    const err = fromConnectError(e);
    const text = errorMessage(err);
    if (/ENOENT|No such file|FailedToOpenSocket|ECONNREFUSED|Unable to connect/i.test(text)) {
      return unavailable(`${where} is not reachable (is the plugin running?): ${text}`, e);
    }
    return new MesosError(err.kind, `${where} failed ${what}: ${text}`, { cause: e });
  };

  let info: api.GetPluginInfoResponse;
  try {
    info = await identity.getPluginInfo({}, { timeoutMs });
  } catch (e) {
    throw describe(e, "GetPluginInfo");
  }
  const version = pickApiVersion(info.apiVersions);
  if (!version) {
    throw failedPrecondition(
      `${where} speaks isolator API versions [${info.apiVersions.join(", ")}]; this agent speaks [${ISOLATOR_API_VERSIONS.join(", ")}]`,
    );
  }
  if (info.name !== options.name) {
    throw failedPrecondition(`${where} calls itself '${info.name}', not '${options.name}'`);
  }

  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      throw describe(e, what);
    }
  };
  const id = (containerId: ContainerID) => ({ containerId });
  // Metrics came after the first v1 plugins: one that does not serve it has none to give.
  let servesMetrics = true;

  return {
    name: options.name,
    supportsNesting: options.supportsNesting ?? true,
    apiVersion: version,
    pluginInfo: info,

    async recover(states: readonly ContainerState[], orphans: readonly ContainerID[]) {
      await call("Recover", () => client.recover({ states: [...states], orphans: [...orphans] }, { timeoutMs }));
    },
    async prepare(config) {
      const r = await call("Prepare", () => client.prepare({ config }, { timeoutMs }));
      return r.launchInfo;
    },
    async isolate(containerId, pid) {
      await call("Isolate", () => client.isolate({ containerId, pid }, { timeoutMs }));
    },
    async watch(containerId, signal): Promise<LimitationInit | undefined> {
      const stream = new AbortController();
      const onAbort = () => {
        // Ask the plugin for its last word; cut the stream if it does not give it in time.
        client.unwatch(id(containerId), { timeoutMs }).catch(() => {});
        setTimeout(() => stream.abort(), timeoutMs).unref?.();
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      try {
        for await (const event of client.watch(id(containerId), { signal: stream.signal })) {
          if (event.event.case === "limitation") return event.event.value;
        }
        return undefined;
      } catch (e) {
        if (stream.signal.aborted) return undefined;
        throw describe(e, "Watch");
      } finally {
        signal.removeEventListener("abort", onAbort);
        stream.abort();
      }
    },
    async update(containerId, resources: readonly Resource[]) {
      await call("Update", () => client.update({ containerId, resources: [...resources] }, { timeoutMs }));
    },
    async usage(containerId) {
      const r = await call("Usage", () => client.usage(id(containerId), { timeoutMs }));
      return r.statistics;
    },
    async status(containerId) {
      const r = await call("Status", () => client.status(id(containerId), { timeoutMs }));
      return r.status;
    },
    async cleanup(containerId) {
      await call("Cleanup", () => client.cleanup(id(containerId), { timeoutMs }));
    },
    async metrics() {
      if (!servesMetrics) return {};
      try {
        return (await client.metrics({}, { timeoutMs })).metrics;
      } catch (e) {
        if (e instanceof ConnectError && e.code === Code.Unimplemented) {
          servesMetrics = false;
          return {};
        }
        throw describe(e, "Metrics");
      }
    },
  };
}
