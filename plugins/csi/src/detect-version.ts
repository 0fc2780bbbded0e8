/**
 * CSI API version detection, as Mesos 1.8 does it: `csi.v1.Identity/Probe` first; a gRPC
 * UNIMPLEMENTED answer means "not v1", so `csi.v0.Identity/Probe` next; neither means the plugin
 * speaks no version we know. Any other failure is a failed probe, not a version answer.
 */
import { Code } from "@connectrpc/connect";
import { MesosError } from "@mesos/core";
import type { CsiApiVersion, CsiClient } from "./client.ts";
import { CsiCallError, type CsiConnection } from "./connection.ts";
import { createV0Client } from "./v0/v0-client.ts";
import { createV1Client } from "./v1/v1-client.ts";

/** The neutral client for a version over a connection. */
export function clientFor(version: CsiApiVersion, connection: CsiConnection): CsiClient {
  return version === "v1" ? createV1Client(connection) : createV0Client(connection);
}

/** Newest first: the order versions are probed in. */
const PROBE_ORDER: CsiApiVersion[] = ["v1", "v0"];

export interface ProbeResult {
  version: CsiApiVersion;
  ready: boolean;
}

/** Which version answers Probe on this connection (and whether the plugin says it is ready). */
export async function detectApiVersion(connection: CsiConnection): Promise<ProbeResult> {
  for (const version of PROBE_ORDER) {
    try {
      const { ready } = await clientFor(version, connection).probe();
      return { version, ready };
    } catch (e) {
      if (e instanceof CsiCallError && e.code === Code.Unimplemented) continue;
      throw new MesosError("unavailable", `Failed to probe endpoint '${connection.endpoint}': ${(e as Error).message}`, { cause: e });
    }
  }
  throw new MesosError(
    "unimplemented",
    `Failed to probe endpoint '${connection.endpoint}': Unknown CSI API version (neither csi.v1 nor csi.v0 Identity/Probe is implemented)`,
  );
}
