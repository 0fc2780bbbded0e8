/**
 * Namespaces, mounts, credentials and ptys for real, in child processes (needs root; the rest of
 * the suite runs them as the launch helper does, see test/integration/linux-containers.test.ts).
 */
import { describe, expect, test } from "bun:test";
import { readlinkSync } from "node:fs";
import { join } from "node:path";
import { namespaceId, openPty, spawnInPidNamespace } from "./index.ts";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("SKIPPING namespace tests: they need root");
const rootTest = test.skipIf(!isRoot);
const FIXTURE = join(import.meta.dir, "../test-fixtures/in-namespaces.ts");

async function run(cmd: string[], spawn = (c: string[]) => Bun.spawn(c, { stdout: "pipe", stderr: "pipe" })) {
  const proc = spawn(cmd);
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { stdout, stderr, exitCode: await proc.exited };
}

describe("spawnInPidNamespace", () => {
  rootTest("the child is PID 1 of a new PID namespace; the caller's next children are back in its own", async () => {
    const own = readlinkSync("/proc/self/ns/pid");
    const inNew = await run(["/bin/sh", "-c", "echo $$; readlink /proc/self/ns/pid"], (c) =>
      spawnInPidNamespace({ new: true }, () => Bun.spawn(c, { stdout: "pipe", stderr: "pipe" })),
    );
    const [pid, ns] = inNew.stdout.trim().split("\n");
    expect(pid).toBe("1");
    expect(ns).not.toBe(own);
    const after = await run(["/bin/sh", "-c", "readlink /proc/self/ns/pid"]);
    expect(after.stdout.trim()).toBe(own);
    expect(namespaceId("self", "pid")).toBe(own);
  });

  rootTest("joining another process's PID namespace", async () => {
    const holder = spawnInPidNamespace({ new: true }, () => Bun.spawn(["sleep", "10"], { stdio: ["ignore", "ignore", "ignore"] }));
    try {
      const joined = await run(["/bin/sh", "-c", "readlink /proc/self/ns/pid"], (c) =>
        spawnInPidNamespace({ joinPid: holder.pid }, () => Bun.spawn(c, { stdout: "pipe", stderr: "pipe" })),
      );
      expect(joined.stdout.trim()).toBe(namespaceId(holder.pid, "pid")!);
    } finally {
      holder.kill("SIGKILL");
    }
  });
});

describe("mounts, hostname and credentials (in a child that unshares)", () => {
  rootTest("a tmpfs in a private mount namespace is invisible outside; the hostname is the child's own", async () => {
    const r = await run([process.execPath, FIXTURE, "mounts"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("tmpfs mounted\nhostname inside\n");
    expect((await Bun.file("/proc/self/mounts").text()).includes("mesos-linux-test")).toBe(false);
  });

  rootTest("switchUser sets groups, gid and uid", async () => {
    const r = await run([process.execPath, FIXTURE, "user"]);
    expect(r.stdout).toBe("Uid:\t65534\t65534\t65534\t65534\nGid:\t65534\t65534\t65534\t65534\nGroups:\t100 65534 \n");
  });

  rootTest("failures name the call and the errno", async () => {
    const r = await run([process.execPath, FIXTURE, "bad-mount"]);
    expect(r.stdout).toBe("mount(/no/such/dir on /tmp) failed: ENOENT (No such file or directory)\n");
  });
});

describe("openPty", () => {
  test("the task sees a terminal of the given size; its output comes out of the master", async () => {
    const pty = openPty({ rows: 33, columns: 77 });
    const proc = Bun.spawn(["/bin/sh", "-c", "test -t 1 && stty size"], { stdio: [pty.slave, pty.slave, pty.slave] });
    const { closeSync } = await import("node:fs");
    closeSync(pty.slave);
    const { ReadStream } = await import("node:tty");
    const stream = new ReadStream(pty.master);
    let out = "";
    stream.on("data", (d) => (out += d.toString()));
    stream.on("error", () => {});
    expect(await proc.exited).toBe(0);
    for (let i = 0; i < 100 && !out.includes("\n"); i++) await Bun.sleep(10);
    stream.destroy();
    expect(out.replace(/\r/g, "")).toBe("33 77\n");
    expect(pty.path).toMatch(/^\/dev\/pts\/\d+$/);
  });
});
