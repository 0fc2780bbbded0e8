/**
 * disk/xfs figures (issue #15). Needs root and a kernel with XFS project quotas, so it runs in the
 * VM: it makes its own XFS image (on a tmpfs, loop-mounted -o prjquota).
 *
 *  1. One usage sweep over 500 project ids, relative to the same sweep with 0 ids: the active
 *     policy's soft-limit check (one Q_XGETQUOTA per project, what runs every
 *     --container_disk_watch_interval) and a usage() of every container (what statistics cost).
 *     Under software emulation the absolute times are inflated; the ratio and the per-id cost are
 *     the figures.
 *  2. Active mode, from crossing the soft limit to the kill: a standalone container on an agent
 *     with --xfs_kill_containers stamps the time outside its sandbox, then allocates 11 MB of its
 *     10 MB in one call, and the agent's WAIT_CONTAINER answers when it is destroyed. The figure is
 *     from the stamp (so it includes the allocation) to the answer. Expect about half the watch
 *     interval plus the destroy.
 *
 *   ../shared/vm/run-in-vm.sh -c 'node_modules/.bin/bun bench/disk-xfs.ts [--ids=500] [--kills=5] [--interval=1secs]'
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { parseDuration, parseFlags, silentLogger, systemClock } from "@mesos/core";
import { agentFlagSpecs, startAgent } from "@mesos/agent";
import { createDiskXfsIsolator, diskXfsFlagSpecs } from "@mesos/plugin-disk-xfs";
import { agent as api, ContainerIDSchema, isolator, TaskStatus_Reason } from "@mesos/proto";

const root = resolve(import.meta.dir, "..");
const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const idCount = Number(arg("ids", "500"));
const kills = Number(arg("kills", "5"));
const interval = arg("interval", "1secs");

const sh = (cmd: string[]) => {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd.join(" ")} failed: ${r.stderr || r.stdout}`);
};

if (process.getuid?.() !== 0) {
  console.error("bench/disk-xfs.ts needs root and XFS project quotas: run it in the VM (see its header)");
  process.exit(1);
}
const builtHelper = join(root, "dist/mesos");
if (!existsSync(builtHelper)) {
  console.error("bench/disk-xfs.ts needs dist/mesos (npm run build) as the containers' launch helper");
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "bench-xfs-"));
const mnt = join(scratch, "xfs");
sh(["mount", "-t", "tmpfs", "-o", "size=1200m", "tmpfs", scratch]);
mkdirSync(mnt);
sh(["truncate", "-s", "1G", join(scratch, "xfs.img")]);
sh(["mkfs.xfs", "-q", join(scratch, "xfs.img")]);
try {
  sh(["mount", "-o", "loop,prjquota", join(scratch, "xfs.img"), mnt]);
} catch (e) {
  console.error(`This kernel cannot mount XFS with project quotas (${(e as Error).message.trim()}): run the bench in the VM`);
  process.exit(1);
}

// The launch helper is read over 9p from the host at every container start otherwise: one copy in RAM.
const helper = join(scratch, "mesos");
copyFileSync(builtHelper, helper);
chmodSync(helper, 0o755);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timeIt = (runs: number, fn: () => unknown) =>
  median(
    Array.from({ length: runs }, () => {
      const t = performance.now();
      fn();
      return performance.now() - t;
    }),
  );

async function sweeps(): Promise<void> {
  const flags = parseFlags(
    diskXfsFlagSpecs,
    [
      "--enforce_container_disk_quota",
      "--xfs_kill_containers",
      "--container_disk_watch_interval=1hrs",
      `--xfs_project_range=[5000-${5000 + idCount}]`,
    ],
    {},
  ).values;
  const workDir = join(mnt, "sweep");
  mkdirSync(workDir);
  const iso = createDiskXfsIsolator({ flags, workDir, clock: systemClock, log: silentLogger });
  const ids = Array.from({ length: idCount }, (_, i) => create(ContainerIDSchema, { value: `c${i}` }));
  const usageSweep = async () => {
    const t = performance.now();
    for (const id of ids) await iso.usage!(id);
    return performance.now() - t;
  };
  await usageSweep(); // warm-up
  const empty = { check: timeIt(200, () => iso.checkLimits()), usage: median([await usageSweep(), await usageSweep(), await usageSweep()]) };
  for (const [i, containerId] of ids.entries()) {
    const directory = join(workDir, `sandbox-${i}`);
    mkdirSync(directory);
    await iso.prepare!(
      create(isolator.ContainerConfigSchema, { containerId, directory, resources: [{ name: "disk", type: 0, scalar: { value: 10 } }] }),
    );
  }
  const full = { check: timeIt(21, () => iso.checkLimits()), usage: median([await usageSweep(), await usageSweep(), await usageSweep()]) };
  iso.close();
  const per = (ms: number) => ((ms * 1000) / idCount).toFixed(1);
  console.log(`1. one sweep over ${idCount} project ids vs 0 ids (median; ${navigator.hardwareConcurrency} vCPUs, software emulation):`);
  console.log(
    `   soft-limit check: ${empty.check.toFixed(3)} ms with 0 ids, ${full.check.toFixed(1)} ms with ${idCount} (${per(full.check)} µs an id, ${(full.check / Math.max(empty.check, 0.001)).toFixed(0)}x)`,
  );
  console.log(
    `   usage() of every container: ${full.usage.toFixed(1)} ms with ${idCount} (${per(full.usage)} µs an id; the same ${idCount} calls with no project behind them: ${empty.usage.toFixed(1)} ms)`,
  );
  const watch = parseDuration("15secs");
  console.log(`   the check is ${((100 * full.check) / watch).toFixed(2)}% of one vCPU at the default --container_disk_watch_interval=15secs`);
}

async function killLatency(): Promise<void> {
  const outside = join(scratch, "stamps");
  mkdirSync(outside);
  const flags = parseFlags(
    agentFlagSpecs,
    [
      "--master=127.0.0.1:1", // the v1 API works while the agent looks for a master
      `--work_dir=${join(mnt, "agent")}`,
      "--port=0",
      "--resources=cpus:8;mem:8192;disk:800",
      "--isolation=disk/xfs",
      "--enforce_container_disk_quota",
      "--xfs_kill_containers",
      `--container_disk_watch_interval=${interval}`,
      "--launch_timeout=5mins", // software emulation on a shared machine: a launch may take a while
    ],
    {},
  );
  const agent = await startAgent({ flags: flags.values, effectiveFlags: flags.effective, log: silentLogger, launchHelperCommand: [helper] });
  const client = createClient(api.Agent, createConnectTransport({ baseUrl: agent.url, httpVersion: "1.1" }));
  const delays: number[] = [];
  try {
    for (let i = 0; i < kills; i++) {
      const containerId = { value: `hog-${i}` };
      const stamp = join(outside, `crossed-${i}`);
      await client.call(
        create(api.CallSchema, {
          type: api.Call_Type.LAUNCH_CONTAINER,
          launchContainer: {
            containerId,
            // The time stamped (outside the sandbox), then 11 MB allocated in one call: crossing the
            // 10 MB soft limit right after the stamp, with no writes in flight (XFS's speculative
            // preallocation during a slow write can cross it early, and a kill mid-write leaves no stamp).
            command: { value: `date +%s%N > ${stamp}; fallocate -l 11M big; exec sleep 1000` },
            resources: [
              { name: "cpus", type: 0, scalar: { value: 0.1 } },
              { name: "mem", type: 0, scalar: { value: 32 } },
              { name: "disk", type: 0, scalar: { value: 10 } },
            ],
          },
        }),
      );
      const wait = await client.call(create(api.CallSchema, { type: api.Call_Type.WAIT_CONTAINER, waitContainer: { containerId } }));
      const killedAt = Date.now();
      const { reason, message, exitStatus } = wait.waitContainer ?? {};
      if (reason !== TaskStatus_Reason.CONTAINER_LIMITATION_DISK)
        throw new Error(`container ${containerId.value} ended (status ${exitStatus}, reason ${reason}, '${message}'), not for the disk limitation`);
      const crossedAt = Number(BigInt(readFileSync(stamp, "utf8").trim()) / 1_000_000n);
      delays.push(killedAt - crossedAt);
      await client.call(create(api.CallSchema, { type: api.Call_Type.REMOVE_CONTAINER, removeContainer: { containerId } }));
    }
  } finally {
    await agent.stop();
  }
  const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
  console.log(
    `2. active mode, --container_disk_watch_interval=${interval} (${parseDuration(interval)} ms): crossing the soft limit to the kill, ${kills} containers:`,
  );
  console.log(`   mean ${mean.toFixed(0)} ms, min ${Math.min(...delays)} ms, max ${Math.max(...delays)} ms (each: ${delays.join(", ")} ms)`);
}

try {
  await sweeps();
  await killLatency();
} finally {
  // Lazily: a launch helper of the last container may still hold its copy of the binary.
  spawnSync("umount", ["-l", mnt]);
  spawnSync("umount", ["-l", scratch]);
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(0);
