/**
 * The container's namespaces and filesystem, built by its init (the launch helper) on its own JS
 * thread before it starts the task: a new mount namespace (or the parent container's, for nested
 * containers) made a slave of the host's (but for BIDIRECTIONAL volumes), a fresh /proc for the container's PID namespace, the
 * isolators' mounts in order, the hostname. The pivot into a rootfs happens last, in the exec stage
 * (start-task.ts).
 */
import { chownSync, copyFileSync, mkdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_SLAVE,
  bindMount,
  enterNamespaces,
  ensureMountPoint,
  findMountContaining,
  listMountPoints,
  makeRslave,
  mount,
  namespaceFlags,
  readMountTable,
  setChildSubreaper,
  sethostname,
  unshare,
} from "@mesos/linux";
import type { LaunchInfo, LaunchMount } from "../launch-protocol/launch-info.ts";
import { step } from "./steps.ts";

export function setUpContainer(info: LaunchInfo): void {
  if (info.launcher === "posix") {
    if (info.mounts.length > 0 || info.rootfs || info.hostname || info.unshare.length > 0) {
      throw new Error("mounts, a root filesystem, a hostname and namespaces need --launcher=linux");
    }
    // Orphans of the task come to us (we reap them and kill what is left when the task ends).
    step("becoming a child subreaper", () => setChildSubreaper());
    return;
  }
  if (info.join) {
    const { pid, namespaces } = info.join;
    step(`joining the namespaces (${namespaces.join(", ")}) of the parent container's init ${pid}`, () => enterNamespaces(pid, namespaces));
    step("becoming a child subreaper", () => setChildSubreaper());
    if (info.mounts.length > 0) {
      // Its volumes are its own: they go with it instead of piling up in its parent's namespace.
      step("creating a mount namespace of its own", () => unshare(namespaceFlags(["mnt"])));
      step("making the mount namespace a slave of its parent's", () => makeRslave("/"));
    }
  } else {
    const kinds = ["mnt" as const, ...info.unshare.filter((k) => k !== "mnt" && k !== "pid")];
    step(`creating namespaces (${kinds.join(", ")})`, () => unshare(namespaceFlags(kinds)));
    const shared = info.sharedMounts ?? [];
    if (shared.length === 0) step("making the mount namespace a slave of the host's", () => makeRslave("/"));
    else step(`making every mount but ${shared.join(", ")} a slave of the host's`, () => makeSlavesExcept(new Set(shared)));
    const proc = join(info.rootfs ?? "/", "proc");
    step(`mounting /proc for the container's PID namespace on ${proc}`, () => {
      mkdirSync(proc, { recursive: true });
      mount({ source: "proc", target: proc, fstype: "proc", flags: MS_NOSUID | MS_NODEV | MS_NOEXEC });
    });
  }
  if (info.rootfs && !info.join) step(`populating ${join(info.rootfs, "dev")}`, () => populateDev(info.rootfs!, Boolean(info.switchboard?.tty)));
  for (const m of info.mounts) {
    if (info.sharedMounts?.length && m.type === "bind")
      step(`checking that ${m.target} does not propagate to the host`, () => refuseToHost(m.target));
    step(describeMount(m), () => applyMount(m, info.command?.user));
  }
  if (info.hostname) {
    if (!info.unshare.includes("uts")) throw new Error(`setting the hostname '${info.hostname}' needs a UTS namespace of the container's own`);
    step(`setting the hostname to '${info.hostname}'`, () => sethostname(info.hostname!));
  }
}

/** Mesos's way to keep some mounts shared: every other mount point (deepest first) becomes a slave. */
function makeSlavesExcept(shared: ReadonlySet<string>): void {
  for (const point of listMountPoints().reverse()) if (!shared.has(point)) mount({ target: point, flags: MS_SLAVE });
}

function applyMount(m: LaunchMount, owner: { uid: number; gid: number } | undefined): void {
  switch (m.type) {
    case "bind":
      if (!m.source) throw new Error("a bind mount needs a source");
      bindMount(m.source, m.target, { readOnly: m.readOnly });
      return;
    case "tmpfs":
      ensureMountPoint(m.target, true);
      mount({ source: "tmpfs", target: m.target, fstype: "tmpfs", flags: MS_NOSUID | MS_NODEV | (m.readOnly ? 1 : 0), data: m.options });
      return;
    case "file":
      if (!m.source) throw new Error("a file mount needs a source");
      ensureMountPoint(dirname(m.target), true);
      moveFile(m.source, m.target);
      // The task's own (a secret is root's until here; Mesos leaves it readable by all).
      if (owner) chownSync(m.target, owner.uid, owner.gid);
      return;
    case "proc":
      ensureMountPoint(m.target, true);
      mount({ source: "proc", target: m.target, fstype: "proc", flags: MS_NOSUID | MS_NODEV | MS_NOEXEC });
      return;
    default:
      throw new Error(`unknown mount type '${(m as LaunchMount).type}'`);
  }
}

/** With shared mounts about, a volume mounted under one of them would land on the host too. */
function refuseToHost(target: string): void {
  const holder = findMountContaining(readMountTable(), target);
  if (holder?.sharedPeerGroup !== undefined) {
    throw new Error(`the mount ${target} would propagate to the host: it lies under the shared mount ${holder.target}`);
  }
}

/** A rename when it can (same filesystem), a copy and unlink otherwise; the source goes either way. */
function moveFile(source: string, target: string): void {
  try {
    renameSync(source, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    copyFileSync(source, target);
    rmSync(source, { force: true });
  }
}

function describeMount(m: LaunchMount): string {
  if (m.type === "bind") return `bind-mounting ${m.source} on ${m.target}${m.readOnly ? " (read-only)" : ""}`;
  if (m.type === "file") return `moving ${m.source} to ${m.target}`;
  return `mounting ${m.type} on ${m.target}`;
}

const DEVICES = ["null", "zero", "full", "random", "urandom", "tty"];

/**
 * A root filesystem gets a /dev of its own, as Mesos's linux filesystem isolator gives it: a
 * tmpfs with the harmless devices bound from the host, /dev/shm, and ptys: the host's (where the
 * task's terminal was allocated) for a container with a TTY, a private devpts instance otherwise.
 */
function populateDev(rootfs: string, tty: boolean): void {
  const dev = join(rootfs, "dev");
  ensureMountPoint(dev, true);
  mount({ source: "tmpfs", target: dev, fstype: "tmpfs", flags: MS_NOSUID | MS_NOEXEC, data: "mode=755,size=65536k" });
  for (const d of DEVICES) bindMount(`/dev/${d}`, join(dev, d));
  for (const [link, to] of [
    ["fd", "/proc/self/fd"],
    ["stdin", "/proc/self/fd/0"],
    ["stdout", "/proc/self/fd/1"],
    ["stderr", "/proc/self/fd/2"],
    ["ptmx", "pts/ptmx"],
  ]) {
    symlinkSync(to!, join(dev, link!));
  }
  ensureMountPoint(join(dev, "shm"), true);
  mount({ source: "shm", target: join(dev, "shm"), fstype: "tmpfs", flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, data: "mode=1777,size=65536k" });
  ensureMountPoint(join(dev, "pts"), true);
  if (tty) bindMount("/dev/pts", join(dev, "pts"));
  else
    mount({
      source: "devpts",
      target: join(dev, "pts"),
      fstype: "devpts",
      flags: MS_NOSUID | MS_NOEXEC,
      data: "newinstance,ptmxmode=0666,mode=0620",
    });
}
