/**
 * The start-up checks against this host's real filesystems (the VM tests add XFS with and without
 * project quotas): a directory that is not on XFS is refused, naming the path, where it is and
 * what to do; PATH disk roots from --resources are checked too.
 */
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isXfs, mountOf } from "@mesos/linux";
import { checkDiskXfsHost, pathDiskRoots } from "./startup-checks.ts";
import { systemXfsHost } from "./xfs-host.ts";

const dir = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "xfs-check-"));
const onXfs = isXfs(dir);
if (onXfs) console.warn(`SKIPPING the non-XFS start-up check: the test directory ${dir} is on XFS`);

test.skipIf(onXfs)("on this host's filesystem the isolator refuses to start, saying where the work dir is and what to do", () => {
  const mount = mountOf(dir)!;
  expect(() => checkDiskXfsHost(systemXfsHost, { workDir: dir, defaultRole: "*" })).toThrow(
    `'${dir}' is not an XFS filesystem: the agent's work directory (--work_dir) is on ${mount.fstype} (mounted at ${mount.target}). ` +
      "Put it on an XFS filesystem mounted with project quotas (mount -o prjquota), or remove disk/xfs from --isolation",
  );
});

test("a missing PATH disk root is refused by name", () => {
  const resources = `[{"name":"disk","type":"SCALAR","scalar":{"value":100},"disk":{"source":{"type":"PATH","path":{"root":"${dir}/no-such-root"}}}}]`;
  expect(pathDiskRoots(resources, "*", dir)).toEqual([`${dir}/no-such-root`]);
  const host = {
    ...systemXfsHost,
    filesystem: (p: string) => ({ ...systemXfsHost.filesystem(p), xfs: true, projectQuota: true, projectQuotaEnforced: true }),
  };
  expect(() => checkDiskXfsHost(host, { workDir: dir, resources, defaultRole: "*" })).toThrow(
    `Cannot examine '${dir}/no-such-root' (the root of a PATH disk in --resources)`,
  );
});

test("PATH roots: relative ones are under the work dir; plain and MOUNT disks are not checked", () => {
  const resources = JSON.stringify([
    { name: "disk", type: "SCALAR", scalar: { value: 10 }, disk: { source: { type: "PATH", path: { root: "data" } } } },
    { name: "disk", type: "SCALAR", scalar: { value: 10 }, disk: { source: { type: "MOUNT", mount: { root: "/mnt/m" } } } },
    { name: "disk", type: "SCALAR", scalar: { value: 10 } },
  ]);
  expect(pathDiskRoots(resources, "*", "/w")).toEqual(["/w/data"]);
  expect(pathDiskRoots("cpus:1;disk:100", "*", "/w")).toEqual([]);
  expect(pathDiskRoots(undefined, "*", "/w")).toEqual([]);
});
