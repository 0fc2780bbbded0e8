/**
 * disk/xfs on this host (no XFS project quotas here): the compiled agent refuses to start with a
 * message naming the work dir, where it is and what to do; a bad --xfs_project_range is named too.
 * Everything else about disk/xfs runs on a kernel with XFS quotas: test/vm/disk-xfs.test.ts.
 */
import { expect, test } from "bun:test";
import { isXfs } from "@mesos/linux";
import { runMesos } from "../support/binary.ts";
import { tempDir } from "../support/cluster.ts";

const work = tempDir("xfs-host");

test.skipIf(isXfs(work))("mesos agent --isolation=disk/xfs stops at start-up when the work dir is not on XFS", async () => {
  const r = await runMesos(["agent", "--master=127.0.0.1:1", `--work_dir=${work}`, "--isolation=disk/xfs"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`Cannot use isolator 'disk/xfs': '${work}' is not an XFS filesystem: the agent's work directory (--work_dir) is on`);
  expect(r.stderr).toContain("Put it on an XFS filesystem mounted with project quotas (mount -o prjquota)");
});

test.skipIf(isXfs(work))("mesos isolator serve disk/xfs (the isolator as a plugin process) refuses to start the same way", async () => {
  const r = await runMesos(["isolator", "serve", "disk/xfs", `--socket=${work}/xfs.sock`, `--work_dir=${work}`]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`Cannot use isolator 'disk/xfs': '${work}' is not an XFS filesystem`);
  const listed = await runMesos(["isolator", "list"]);
  expect(listed.stdout).toContain("disk/xfs");
});

test("a bad --xfs_project_range stops the agent, naming the flag", async () => {
  const r = await runMesos(["agent", "--master=127.0.0.1:1", `--work_dir=${work}`, "--isolation=disk/xfs", "--xfs_project_range=[0-9]"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("Cannot use isolator 'disk/xfs': XFS project ID range contains illegal 0 value (--xfs_project_range=[0-9])");
});

test("the disk/xfs flags are the agent's, with Mesos's defaults", async () => {
  const r = await runMesos(["agent", "--help"]);
  for (const f of [
    "--xfs_project_range",
    "[5000-10000]",
    "--enforce_container_disk_quota",
    "--xfs_kill_containers",
    "--container_disk_watch_interval",
    "15secs",
    "--disk_watch_interval",
    "1mins",
  ]) {
    expect(r.stdout + r.stderr).toContain(f);
  }
});
