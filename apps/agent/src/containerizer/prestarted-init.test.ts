import { expect, test } from "bun:test";
import { silentLogger } from "@mesos/core";
import type { InitProcess, Launcher } from "./launcher.ts";
import { createPrestartedInit } from "./prestarted-init.ts";

/** A launcher whose prestarted "helpers" are records of what was done to them. */
function fakeLauncher() {
  const started: ReturnType<typeof fakeInit>[] = [];
  const launcher: Launcher = {
    kind: "linux",
    fork: () => {
      throw new Error("not used");
    },
    prestart() {
      const p = fakeInit();
      started.push(p);
      return p as unknown as InitProcess;
    },
    destroy() {},
  };
  return { launcher, started };
}

function fakeInit() {
  let exit!: () => void;
  const p = {
    exitCode: null as number | null,
    signalCode: null as string | null,
    killed: false,
    refs: 0,
    exited: new Promise<void>((resolve) => (exit = resolve)),
    ref: () => void p.refs++,
    unref: () => void p.refs--,
    kill(signal: string) {
      p.killed = true;
      p.signalCode = signal;
      exit();
    },
    die() {
      p.exitCode = 1;
      exit();
    },
  };
  return p;
}

test("none waits until the first refill; a taken helper is the caller's and counts again for the event loop", () => {
  const { launcher, started } = fakeLauncher();
  const pool = createPrestartedInit(launcher, silentLogger);
  expect(pool.take()).toBeUndefined();
  pool.refill();
  pool.refill(); // one waits already
  expect(started.length).toBe(1);
  expect(started[0]!.refs).toBe(-1); // unref'd while waiting
  expect(pool.take()).toBe(started[0] as unknown as InitProcess);
  expect(started[0]!.refs).toBe(0);
  expect(pool.take()).toBeUndefined();
});

test("a helper that died while waiting is not handed out, and the next refill replaces it", async () => {
  const { launcher, started } = fakeLauncher();
  const pool = createPrestartedInit(launcher, silentLogger);
  pool.refill();
  started[0]!.die();
  await started[0]!.exited;
  expect(pool.take()).toBeUndefined();
  pool.refill();
  expect(started.length).toBe(2);
  expect(pool.take()).toBe(started[1] as unknown as InitProcess);
});

test("stop kills the waiting helper and starts no more; a failing start is logged, not thrown", () => {
  const { launcher, started } = fakeLauncher();
  const pool = createPrestartedInit(launcher, silentLogger);
  pool.refill();
  pool.stop();
  expect(started[0]!.killed).toBe(true);
  pool.refill();
  expect(started.length).toBe(1);
  expect(pool.take()).toBeUndefined();

  const warnings: string[] = [];
  const broken = createPrestartedInit(
    {
      ...launcher,
      prestart: () => {
        throw new Error("ENOENT: no such helper");
      },
    },
    { ...silentLogger, warn: (m: string) => warnings.push(m) },
  );
  broken.refill();
  expect(broken.take()).toBeUndefined();
  expect(warnings[0]).toContain("ENOENT: no such helper");
});
