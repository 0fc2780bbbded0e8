/**
 * The contract every isolator must pass, built-in or plugin: call `isolatorContract` from a test
 * file with a way to build the isolator under test (a remote one through `connectIsolator` works
 * the same). It drives the life cycle the way the agent does, with a real process for `isolate`.
 *
 *   import { isolatorContract } from "@mesos/plugin-api/contract";
 *   isolatorContract("cgroups/mem", async () => ({ isolator: createMemIsolator(...) }));
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { isolator as api, type ContainerID, ContainerIDSchema } from "@mesos/proto";
import type { ContainerConfig, Isolator } from "../isolator.ts";
import { ISOLATOR_NAME, LIFE_CYCLE } from "../isolator.ts";
import { toLaunchInfo, validateLaunchInfo } from "../merge-launch-info.ts";

export interface ContractSubject {
  isolator: Isolator;
  /** Called after the suite (stop a plugin process, remove cgroups...). */
  teardown?(): Promise<void> | void;
}

export interface ContractOptions {
  /** Resources of the containers the suite prepares (default cpus:0.5, mem:64). */
  resources?: { cpus: number; mem: number };
  /** Set to a reason to skip the whole suite (e.g. a kernel feature is missing). */
  skip?: string;
}

let counter = 0;

export function isolatorContract(label: string, setup: () => Promise<ContractSubject>, options: ContractOptions = {}): void {
  const run = options.skip ? describe.skip : describe;
  if (options.skip) console.warn(`SKIPPING the isolator contract for ${label}: ${options.skip}`);
  run(`isolator contract: ${label}`, () => {
    let subject: ContractSubject;
    let iso: Isolator;
    let sandbox: string;
    const res = options.resources ?? { cpus: 0.5, mem: 64 };

    const newId = (): ContainerID => create(ContainerIDSchema, { value: `contract-${process.pid}-${Date.now()}-${counter++}` });
    const config = (containerId: ContainerID): ContainerConfig =>
      create(api.ContainerConfigSchema, {
        containerId,
        directory: sandbox,
        resources: [
          { name: "cpus", type: 0, scalar: { value: res.cpus } },
          { name: "mem", type: 0, scalar: { value: res.mem } },
        ],
        commandInfo: { value: "sleep 60", shell: true },
      });
    const sleeper = () => Bun.spawn(["sleep", "60"], { stdio: ["ignore", "ignore", "ignore"] });

    beforeAll(async () => {
      sandbox = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "contract-"));
      subject = await setup();
      iso = subject.isolator;
    });
    afterAll(async () => {
      await subject?.teardown?.();
      rmSync(sandbox, { recursive: true, force: true });
    });

    test("is named group/name, as --isolation lists it", () => {
      expect(iso.name).toMatch(ISOLATOR_NAME);
    });

    test("every life-cycle step it has is a function", () => {
      for (const step of LIFE_CYCLE) {
        const fn = (iso as unknown as Record<string, unknown>)[step];
        expect(fn === undefined || typeof fn === "function").toBe(true);
      }
    });

    test("goes through the whole life cycle with a real process", async () => {
      const id = newId();
      const proc = sleeper();
      try {
        const described = await iso.prepare?.(config(id));
        expect(() => validateLaunchInfo(toLaunchInfo(described), iso.name)).not.toThrow();
        await iso.isolate?.(id, proc.pid);
        const ended = new AbortController();
        const watching = iso.watch?.(id, ended.signal);
        await iso.update?.(id, config(id).resources);
        const usage = await iso.usage?.(id);
        expect(usage === undefined || typeof usage === "object").toBe(true);
        const status = await iso.status?.(id);
        expect(status === undefined || typeof status === "object").toBe(true);
        proc.kill("SIGKILL");
        await proc.exited;
        ended.abort();
        if (watching) expect(await withTimeout(watching, 10_000, "watch to resolve after its signal was aborted")).toBeUndefined();
        await iso.cleanup?.(id);
      } finally {
        proc.kill("SIGKILL");
      }
    });

    test("cleanup accepts a container it never prepared, and is idempotent", async () => {
      const id = newId();
      await iso.cleanup?.(id);
      await iso.cleanup?.(id);
      const prepared = newId();
      await iso.prepare?.(config(prepared));
      await iso.cleanup?.(prepared);
      await iso.cleanup?.(prepared);
    });

    test("containers are independent: cleaning one up leaves the other working", async () => {
      const [a, b] = [newId(), newId()];
      const [pa, pb] = [sleeper(), sleeper()];
      try {
        await iso.prepare?.(config(a));
        await iso.prepare?.(config(b));
        await iso.isolate?.(a, pa.pid);
        await iso.isolate?.(b, pb.pid);
        pa.kill("SIGKILL");
        await pa.exited;
        await iso.cleanup?.(a);
        await iso.usage?.(b);
        await iso.status?.(b);
        pb.kill("SIGKILL");
        await pb.exited;
        await iso.cleanup?.(b);
      } finally {
        pa.kill("SIGKILL");
        pb.kill("SIGKILL");
      }
    });

    test("recovers with nothing running, then cleans up an orphan", async () => {
      const orphan = newId();
      await iso.recover?.([], [orphan]);
      await iso.cleanup?.(orphan);
    });

    test("recovers a running container and can still account for and clean it up", async () => {
      const id = newId();
      const proc = sleeper();
      try {
        const cfg = config(id);
        await iso.prepare?.(cfg);
        await iso.isolate?.(id, proc.pid);
        await iso.recover?.([create(api.ContainerStateSchema, { containerId: id, pid: proc.pid, config: cfg })], []);
        await iso.usage?.(id);
        proc.kill("SIGKILL");
        await proc.exited;
        await iso.cleanup?.(id);
      } finally {
        proc.kill("SIGKILL");
      }
    });
  });
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
