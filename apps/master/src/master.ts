/**
 * Running a master: `startMaster` opens the registry the flags name, binds the socket, builds the
 * master in memory (createMaster) and starts its loops. What `mesos master` and `mesos local` call.
 */
import { createLogger, systemClock, VERSION_TEXT } from "@mesos/core";
import { acceptWebSocketLink, AGENT_LINK_PATH, serveLateBound } from "@mesos/rpc";
import { join } from "node:path";
import type { Allocator, AllocatorOptions } from "./allocator/allocator.ts";
import type { MasterContext } from "./context.ts";
import { allocatorOptions, createMaster, type MasterDeps } from "./create-master.ts";
import type { MasterFlags } from "./flags.ts";
import { openSqliteRegistry } from "./registry/sqlite-registry.ts";

export interface MasterOptions extends Omit<MasterDeps, "registry" | "durableRegistry" | "allocator" | "port"> {
  /** Default: the hierarchical DRF allocator. */
  createAllocator?: (options: AllocatorOptions) => Allocator;
}

export interface RunningMaster {
  ctx: MasterContext;
  /** `http://ip:port` */
  url: string;
  port: number;
  /** Runs an allocation cycle now (tests with a manual clock). */
  allocateNow(): void;
  stop(): Promise<void>;
}

/** The registry --registry and --work_dir name: a SQLite file in the work dir, or memory only. */
export function registryPath(flags: MasterFlags): string {
  return flags.registry === "in_memory" ? ":memory:" : join(flags.work_dir!, "registry.db");
}

export async function startMaster(options: MasterOptions): Promise<RunningMaster> {
  const { flags } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger({ name: "master", level: "info" });
  const registry = openSqliteRegistry(registryPath(flags));
  // 32 accept queues: agents reconnect by the thousand after a failover (late-bound-server.ts).
  const http = serveLateBound({ hostname: flags.ip, port: flags.port, name: "Master", listeners: 32 });
  try {
    const master = await createMaster({
      ...options,
      clock,
      log,
      registry,
      durableRegistry: flags.registry !== "in_memory",
      allocator: options.createAllocator?.(allocatorOptions(flags, clock)),
      port: http.port,
    });
    http.attach((req, server) =>
      isAgentLink(req.url) && acceptWebSocketLink(server, req, master.acceptAgentLink) ? undefined : master.app.fetch(req, server),
    );
    master.startLoops();
    const url = `http://${flags.ip}:${http.port}`;
    log.info(`Master ${master.ctx.info.id} listening on ${url} (${VERSION_TEXT}); ${[...master.ctx.agents.entries()].length} agents in the registry`);
    return {
      ctx: master.ctx,
      url,
      port: http.port,
      allocateNow: master.allocateNow,
      async stop() {
        master.stop();
        await http.stop(true);
        registry.close();
      },
    };
  } catch (e) {
    await http.stop(true);
    registry.close();
    throw e;
  }
}

/** The URL's path is AGENT_LINK_PATH (checked on every request: without parsing the URL). */
function isAgentLink(url: string): boolean {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  return start >= 0 && url.length === start + AGENT_LINK_PATH.length && url.startsWith(AGENT_LINK_PATH, start);
}
