/**
 * The launch helper as it runs in production: a compiled binary (here one with only the helper in
 * it, since it is what `mesos __launch` dispatches to). It re-runs itself for the exec stage, which
 * from source is `bun main.ts` and compiled is the binary alone: a TTY, a seccomp filter and a
 * rootfs all go through that path. Needs root.
 */
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { agent as api, ContainerIDSchema } from "@mesos/proto";
import { createClient } from "@connectrpc/connect";
import { createInMemoryTransport } from "@mesos/rpc";
import { REPO_ROOT, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { createInMemoryAgent } from "../support/in-memory-agent.ts";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("SKIPPING the compiled helper test: it needs root");

const cleanup = useCleanups();

let binary: string | undefined;
function compiledHelper(): string {
  if (binary) return binary;
  const dir = tempDir("helper");
  const entry = join(dir, "entry.ts");
  writeFileSync(
    entry,
    `const argv = process.argv.slice(2);\nif (argv[0] === "__launch") process.exitCode = await (await import(${JSON.stringify(join(REPO_ROOT, "apps/agent/src/launch-helper/index.ts"))})).runLaunchHelper(argv.slice(1));\n`,
  );
  const out = join(dir, "mesos");
  const r = Bun.spawnSync([process.execPath, "build", "--compile", entry, "--outfile", out], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.exitCode !== 0) throw new Error("compiling the helper failed");
  return (binary = out);
}

test.skipIf(!isRoot)(
  "compiled: the exec stage (TTY, seccomp, rootfs) re-runs the binary itself",
  async () => {
    const rootfs = tempDir("rootfs");
    for (const d of ["usr", "etc"]) mkdirSync(join(rootfs, d));
    for (const [link, to] of [
      ["bin", "usr/bin"],
      ["lib", "usr/lib"],
      ["lib64", "usr/lib64"],
    ])
      symlinkSync(to!, join(rootfs, link!));
    writeFileSync(join(rootfs, "etc", "marker"), "rooted\n");
    const x64 = process.arch === "x64";
    const filter = new Uint8Array(48);
    const view = new DataView(filter.buffer);
    // uname -> EPERM, the rest allowed (native architecture only).
    [
      [0x20, 0, 0, 4],
      [0x15, 0, 3, x64 ? 0xc000003e : 0xc00000b7],
      [0x20, 0, 0, 0],
      [0x15, 1, 0, x64 ? 63 : 160],
      [0x06, 0, 0, 0x7fff0000],
      [0x06, 0, 0, 0x00050001],
    ].forEach(([code, jt, jf, k], i) => {
      view.setUint16(i * 8, code!, true);
      view.setUint8(i * 8 + 2, jt!);
      view.setUint8(i * 8 + 3, jf!);
      view.setUint32(i * 8 + 4, k! >>> 0, true);
    });
    // One agent, no master: built in memory, its API through Connect's router transport.
    const agent = await createInMemoryAgent({
      launchHelperCommand: [compiledHelper()],
      flags: ["--isolation=test/everything"],
      isolators: {
        "test/everything": () => ({
          name: "test/everything",
          prepare: async () => ({
            rootfs,
            seccompFilter: filter,
            mounts: [{ type: 1, source: "/usr", target: join(rootfs, "usr"), readOnly: true }],
          }),
        }),
      },
    });
    cleanup(() => agent.stop());
    const client = createClient(api.Agent, createInMemoryTransport(agent.connect));
    const containerId = create(ContainerIDSchema, { value: "compiled" });
    await client.call(
      create(api.CallSchema, {
        type: api.Call_Type.LAUNCH_CONTAINER,
        launchContainer: {
          containerId,
          command: { value: "cat /etc/marker; tty; head -c 4 /dev/zero | wc -c; uname || echo uname-denied" },
          container: { type: 2, ttyInfo: {} },
          resources: [{ name: "cpus", type: 0, scalar: { value: 0.1 } }],
        },
      }),
    );
    const wait = await client.call(create(api.CallSchema, { type: api.Call_Type.WAIT_CONTAINER, waitContainer: { containerId } }));
    expect(wait.waitContainer!.exitStatus).toBe(0);
    const stdout = readFileSync(join(agent.ctx.workDir, "containers", "compiled", "stdout"), "utf8").replace(/\r/g, "");
    expect(stdout).toMatch(/^rooted\n\/dev\/pts\/\d+\n4\n.*Operation not permitted\nuname-denied\n$/);
  },
  60_000,
);
