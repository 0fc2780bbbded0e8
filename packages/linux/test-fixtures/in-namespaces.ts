/**
 * Test helper, run as a child process: unshares namespaces and mounts/sets things up with
 * @mesos/linux, printing what it sees. `mounts`, `user`, or `bad-mount`.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { CLONE_NEWNS, CLONE_NEWUTS, makeRslave, mount, sethostname, switchUser, unshare } from "../src/index.ts";

const what = process.argv[2];
try {
  if (what === "mounts") {
    unshare(CLONE_NEWNS | CLONE_NEWUTS);
    makeRslave("/");
    mount({ source: "mesos-linux-test", target: "/mnt", fstype: "tmpfs", data: "size=1m" });
    const mounted = readFileSync("/proc/self/mounts", "utf8").includes("mesos-linux-test /mnt tmpfs");
    console.log(mounted ? "tmpfs mounted" : "tmpfs missing");
    sethostname("inside");
    console.log(`hostname ${hostname()}`);
  } else if (what === "user") {
    switchUser({ uid: 65534, gid: 65534, groups: [65534, 100] });
    for (const line of readFileSync("/proc/self/status", "utf8").split("\n")) if (/^(Uid|Gid|Groups):/.test(line)) console.log(line);
  } else if (what === "bad-mount") {
    mount({ source: "/no/such/dir", target: "/tmp", flags: 4096 });
  }
} catch (e) {
  console.log((e as Error).message);
}
