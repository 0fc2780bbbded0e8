/**
 * For the tests that check a scheduler call read by hand on both transports (the master's
 * acknowledge and reconcile shortcuts) against the general path: a leading master with one
 * subscribed framework and a follower, the call's two transports, the same Call in the form the
 * shortcut declines, and one POST's answer with what it moved in the master's counters.
 */
import { afterAll, beforeAll } from "bun:test";
import { create, type JsonObject } from "@bufbuild/protobuf";
import { MasterInfoSchema } from "@mesos/proto";
import { jsonCodec, subscribeHttp, type EventReader } from "./http-api.ts";
import { createInMemoryMaster, type InMemoryMaster } from "./in-memory-master.ts";

export const TRANSPORTS = {
  connect: { path: "/mesos.v1.scheduler.Scheduler/Call", type: "application/proto" },
  v1: { path: "/api/v1/scheduler", type: "application/x-protobuf" },
};
export type Transport = keyof typeof TRANSPORTS;

export interface ShortcutCluster {
  master: InMemoryMaster;
  /** A master that does not lead. */
  follower: InMemoryMaster;
  /** The framework's v1 event stream (JSON). */
  stream: EventReader;
  frameworkId: string;
  streamId: string;
}

/** Registers hooks that start the cluster before the file's tests and stop it after; its parts are set once started. */
export function shortcutCluster(): ShortcutCluster {
  const stops: (() => unknown)[] = [];
  const cluster = {} as ShortcutCluster;
  beforeAll(async () => {
    cluster.master = await createInMemoryMaster((fn) => stops.push(fn));
    const other = create(MasterInfoSchema, { id: "other", ip: 0, port: 5050, hostname: "leader.example" });
    cluster.follower = await createInMemoryMaster((fn) => stops.push(fn), { leader: () => other });
    const subscribe = { type: "SUBSCRIBE", subscribe: { framework_info: { user: "root", name: "shortcut", failover_timeout: 3600 } } };
    cluster.stream = await subscribeHttp("/api/v1/scheduler", jsonCodec, subscribe, {}, cluster.master.request);
    cluster.streamId = cluster.stream.response.headers.get("Mesos-Stream-Id")!;
    const subscribed = (await cluster.stream.next("SUBSCRIBED")).subscribed as JsonObject;
    cluster.frameworkId = (subscribed.framework_id as JsonObject).value as string;
  });
  afterAll(() => {
    cluster.stream.close();
    for (const stop of stops) stop();
  });
  return cluster;
}

/** The same Call with its `type` (field 2) repeated (the last occurrence wins): what a shortcut leaves to the general path. */
export const generalForm = (plain: Uint8Array, type: number) => Uint8Array.from([...plain, 0x10, type]);

async function counters(m: InMemoryMaster, names: RegExp): Promise<Record<string, number>> {
  const all = (await (await m.request("/metrics/snapshot")).json()) as Record<string, number>;
  return Object.fromEntries(Object.entries(all).filter(([k]) => names.test(k)));
}

/** One call's answer and what it moved in the counters whose names match `names`. */
export async function postCall(m: InMemoryMaster, transport: Transport, body: Uint8Array, headers: Record<string, string>, names: RegExp) {
  const before = await counters(m, names);
  const { path, type } = TRANSPORTS[transport];
  const res = await m.request(path, { method: "POST", body, headers: { "Content-Type": type, ...headers }, redirect: "manual" });
  const text = await res.text();
  const after = await counters(m, names);
  const moved = Object.fromEntries(
    Object.entries(after)
      .filter(([k, v]) => v !== (before[k] ?? 0))
      .map(([k, v]) => [k, v - (before[k] ?? 0)]),
  );
  return { status: res.status, headers: [...res.headers.entries()].sort(), text, moved };
}
