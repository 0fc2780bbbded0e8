/**
 * One CSI call as the volume manager makes it (VolumeManagerProcess::call in Mesos): to the current
 * endpoint of the service (a restarted plugin gets the next call), counted in the metrics, and, when
 * asked, retried on DEADLINE_EXCEEDED or UNAVAILABLE with a random backoff in [0, b] where b starts at
 * 10 s and doubles up to 10 minutes (MESOS-9517: CreateVolume and DeleteVolume).
 */
import { Code } from "@connectrpc/connect";
import { type Clock, formatDuration, type Logger } from "@mesos/core";
import type { CsiClient, CsiService } from "./client.ts";
import { CsiCallError } from "./connection.ts";
import type { CsiMetrics } from "./metrics.ts";

const DEFAULT_CSI_RETRY_BACKOFF_FACTOR_MS = 10_000;
const DEFAULT_CSI_RETRY_INTERVAL_MAX_MS = 600_000;

const RETRYABLE = new Set([Code.DeadlineExceeded, Code.Unavailable]);

export interface RpcCallerOptions {
  clients: { client(service: CsiService): Promise<CsiClient> };
  clock: Clock;
  log: Logger;
  metrics: CsiMetrics;
  random?: () => number;
  backoffFactorMs?: number;
  backoffMaxMs?: number;
}

export type RpcCaller = <T>(service: CsiService, rpc: (client: CsiClient) => Promise<T>, options?: { retry?: boolean }) => Promise<T>;

export function createRpcCaller(options: RpcCallerOptions): RpcCaller {
  const { clock, log, metrics } = options;
  const random = options.random ?? Math.random;
  const factor = options.backoffFactorMs ?? DEFAULT_CSI_RETRY_BACKOFF_FACTOR_MS;
  const max = options.backoffMaxMs ?? DEFAULT_CSI_RETRY_INTERVAL_MAX_MS;

  return async (service, rpc, callOptions = {}) => {
    let maxBackoff = factor;
    for (;;) {
      const client = await options.clients.client(service);
      metrics.rpcsPending++;
      let failure: unknown;
      try {
        const result = await rpc(client);
        metrics.rpcsFinished++;
        return result;
      } catch (e) {
        failure = e;
        if (e instanceof CsiCallError && e.code === Code.Canceled) metrics.rpcsCancelled++;
        else metrics.rpcsFailed++;
      } finally {
        metrics.rpcsPending--;
      }
      if (!callOptions.retry || !(failure instanceof CsiCallError) || !RETRYABLE.has(failure.code)) throw failure;
      const backoff = maxBackoff * random();
      maxBackoff = Math.min(maxBackoff * 2, max);
      log.error(`Received '${failure.message}'. Retrying in ${formatDuration(Math.round(backoff))}`);
      await clock.sleep(backoff);
    }
  };
}
