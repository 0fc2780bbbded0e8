import { describe, expect, test } from "bun:test";
import { Code } from "@connectrpc/connect";
import { type Clock, silentLogger } from "@mesos/core";
import type { CsiClient } from "./client.ts";
import { CsiCallError } from "./connection.ts";
import { createCsiMetrics } from "./metrics.ts";
import { createRpcCaller } from "./rpc-caller.ts";

/** A clock whose sleeps return at once and are recorded. */
function setup(random = () => 1) {
  const metrics = createCsiMetrics();
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => 0,
    setTimeout: () => ({ cancel() {} }),
    sleep: async (ms) => void sleeps.push(ms),
  };
  const call = createRpcCaller({ clients: { client: async () => ({}) as CsiClient }, clock, log: silentLogger, metrics, random });
  return { call, metrics, sleeps };
}

const failing = (codes: Code[], result = "ok") => {
  let i = 0;
  return async () => {
    if (i < codes.length) throw new CsiCallError("/csi.v1.Controller/CreateVolume", codes[i++]!, "nope");
    return result;
  };
};

describe("CSI calls", () => {
  test("DEADLINE_EXCEEDED and UNAVAILABLE are retried with backoff from 10 s doubling to 10 minutes", async () => {
    const { call, metrics, sleeps } = setup();
    const codes = Array.from({ length: 8 }, (_, i) => (i % 2 ? Code.DeadlineExceeded : Code.Unavailable));
    expect(await call("CONTROLLER_SERVICE", failing(codes), { retry: true })).toBe("ok");
    expect(sleeps).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000]);
    expect(metrics).toEqual({ containerTerminations: 0, rpcsPending: 0, rpcsFinished: 1, rpcsFailed: 8, rpcsCancelled: 0 });
  });

  test("the backoff is a random point below the ceiling", async () => {
    const { call, sleeps } = setup(() => 0.25);
    await call("CONTROLLER_SERVICE", failing([Code.Unavailable, Code.Unavailable]), { retry: true });
    expect(sleeps).toEqual([2_500, 5_000]);
  });

  test("other failures, and any failure of a call that is not retried, are returned at once", async () => {
    const { call, metrics, sleeps } = setup();
    await expect(call("CONTROLLER_SERVICE", failing([Code.AlreadyExists]), { retry: true })).rejects.toThrow(
      "/csi.v1.Controller/CreateVolume failed: ALREADY_EXISTS: nope",
    );
    await expect(call("NODE_SERVICE", failing([Code.Unavailable]))).rejects.toThrow("UNAVAILABLE");
    await expect(call("NODE_SERVICE", failing([Code.Canceled]))).rejects.toThrow("CANCELED");
    expect(sleeps).toEqual([]);
    expect(metrics).toMatchObject({ rpcsPending: 0, rpcsFailed: 2, rpcsCancelled: 1 });
  });
});
