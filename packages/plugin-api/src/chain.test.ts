import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { ContainerIDSchema, isolator as api } from "@mesos/proto";
import { createIsolatorChain } from "./chain.ts";
import type { Isolator } from "./isolator.ts";

const id = create(ContainerIDSchema, { value: "c1" });
const nested = create(ContainerIDSchema, { value: "n1", parent: id });
const config = (containerId = id) => create(api.ContainerConfigSchema, { containerId, directory: "/sandbox" });

function recording(name: string, log: string[], extra: Partial<Isolator> = {}): Isolator {
  return {
    name,
    prepare: async () => (log.push(`${name}:prepare`), { environment: { variables: [{ name: name.replace("/", "_"), value: "1" }] } }),
    isolate: async (_, pid) => void log.push(`${name}:isolate:${pid}`),
    cleanup: async () => void log.push(`${name}:cleanup`),
    ...extra,
  };
}

describe("the isolator chain", () => {
  test("prepares in order, isolates all at once, cleans up in reverse", async () => {
    const log: string[] = [];
    const chain = createIsolatorChain([recording("a/one", log), recording("b/two", log), recording("c/three", log)]);
    const info = await chain.prepare(config());
    expect(info.environment?.variables.map((v) => v.name)).toEqual(["a_one", "b_two", "c_three"]);
    await chain.isolate(id, 42);
    await chain.cleanup(id);
    expect(log).toEqual([
      "a/one:prepare",
      "b/two:prepare",
      "c/three:prepare",
      "a/one:isolate:42",
      "b/two:isolate:42",
      "c/three:isolate:42",
      "c/three:cleanup",
      "b/two:cleanup",
      "a/one:cleanup",
    ]);
  });

  test("a failing step names the isolator, the step and the container", async () => {
    const chain = createIsolatorChain([{ name: "x/bad", prepare: async () => Promise.reject(new Error("no such profile")) }]);
    await expect(chain.prepare(config())).rejects.toThrow("Isolator 'x/bad' failed to prepare container c1: no such profile");
  });

  test("cleanup gives every isolator its turn even if one fails", async () => {
    const log: string[] = [];
    const chain = createIsolatorChain([recording("a/one", log), recording("b/two", log, { cleanup: async () => Promise.reject(new Error("busy")) })]);
    await expect(chain.cleanup(id)).rejects.toThrow("Isolator 'b/two' failed to clean up container c1: busy");
    expect(log).toEqual(["a/one:cleanup"]);
  });

  test("nested containers only reach isolators that support nesting", async () => {
    const log: string[] = [];
    const chain = createIsolatorChain([recording("a/flat", log), recording("b/nesting", log, { supportsNesting: true })]);
    await chain.prepare(config(nested));
    expect(log).toEqual(["b/nesting:prepare"]);
  });

  test("watch: the first limitation wins; on abort every watcher has its final say", async () => {
    const chain = createIsolatorChain([
      { name: "a/quiet", watch: (_, signal) => new Promise((r) => signal.addEventListener("abort", () => r(undefined))) },
      { name: "b/oom", watch: (_, signal) => new Promise((r) => signal.addEventListener("abort", () => r({ message: "Memory limit exceeded" }))) },
    ]);
    const ended = new AbortController();
    const watching = chain.watch(id, ended.signal);
    ended.abort();
    expect(await watching).toMatchObject({ isolator: "b/oom", limitation: { message: "Memory limit exceeded" } });

    const none = new AbortController();
    const quiet = createIsolatorChain([{ name: "a/quiet", watch: (_, s) => new Promise((r) => s.addEventListener("abort", () => r(undefined))) }]);
    const p = quiet.watch(id, none.signal);
    none.abort();
    expect(await p).toBeUndefined();
  });

  test("bad names and duplicates are refused", () => {
    expect(() => createIsolatorChain([{ name: "nogroup" }])).toThrow("Isolator name 'nogroup' is not of the form group/name");
    expect(() => createIsolatorChain([{ name: "a/b" }, { name: "a/b" }])).toThrow("Isolator 'a/b' is listed twice");
  });

  test("usage merges every isolator's statistics", async () => {
    const chain = createIsolatorChain(
      [
        { name: "cgroups/cpu", usage: async () => ({ cpusLimit: 1.5, cpusUserTimeSecs: 2 }) },
        { name: "cgroups/mem", usage: async () => ({ memLimitBytes: 64n << 20n }) },
      ],
      { now: () => 1000 },
    );
    expect(await chain.usage(id)).toMatchObject({ timestamp: 1000, cpusLimit: 1.5, cpusUserTimeSecs: 2, memLimitBytes: 64n << 20n });
  });

  test("metrics merges every isolator's gauges; a failing one is reported and skipped", async () => {
    const errors: string[] = [];
    const chain = createIsolatorChain(
      [
        {
          name: "disk/xfs",
          metrics: async () => ({ "containerizer/mesos/disk/project_ids_total": 2, "containerizer/mesos/disk/project_ids_free": 1 }),
        },
        { name: "x/broken", metrics: async () => Promise.reject(new Error("boom")) },
        { name: "x/none" },
      ],
      { onError: (i, step, e) => errors.push(`${i} ${step} ${(e as Error).message}`) },
    );
    expect(await chain.metrics()).toEqual({ "containerizer/mesos/disk/project_ids_total": 2, "containerizer/mesos/disk/project_ids_free": 1 });
    expect(errors).toEqual(["x/broken metrics boom"]);
  });
});
