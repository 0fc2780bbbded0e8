/**
 * Which host processes belong to which container. With the linux launcher every root container's
 * init is PID 1 of a PID namespace of its own, and everything the container runs, its nested
 * containers included (they join that namespace), lives in it. So one pass over /proc, reading
 * each process's `ns/pid` link, sorts every process into its root container; Mesos used the
 * freezer cgroup instead, which our launcher does not create. An init without a namespace of its
 * own (another launcher, when the isolator runs out of process and cannot tell) is followed
 * through its process tree instead. Within a tree, the nested container a process belongs to is
 * found from its ancestors (a nested container's init is known).
 */
import { readFileSync, readlinkSync } from "node:fs";
import { listPids } from "@mesos/linux";

/** The PID namespace `pid` is in, e.g. `pid:[4026532281]`, or undefined if it is gone. */
export function pidNamespaceOf(pid: number, procRoot = "/proc"): string | undefined {
  try {
    return readlinkSync(`${procRoot}/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is PID 1 of a PID namespace below ours (what the linux launcher makes a root
 * container's init), from the last `NSpid:` entry of its status.
 */
export function isPidNamespaceInit(pid: number, procRoot = "/proc"): boolean {
  try {
    const line = /^NSpid:\s*(.*)$/m.exec(readFileSync(`${procRoot}/${pid}/status`, "utf8"))?.[1];
    const ids = line?.trim().split(/\s+/) ?? [];
    return ids.length > 1 && ids.at(-1) === "1";
  } catch {
    return false;
  }
}

export interface RootProcess {
  /** The root container's init. */
  pid: number;
  /** Whether the init is PID 1 of a namespace of its own (the linux launcher); else its process tree is followed. */
  ownNamespace: boolean;
}

/**
 * Every process of each root container, by the key it was given: the members of its PID
 * namespace, or (without one) the init and its descendants, which the init adopts as a subreaper.
 */
export function processesOfRoots(roots: ReadonlyMap<string, RootProcess>, procRoot = "/proc"): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const keyOfNamespace = new Map<string, string>();
  const treeRoots: [string, number][] = [];
  for (const [key, root] of roots) {
    out.set(key, []);
    if (!root.ownNamespace) treeRoots.push([key, root.pid]);
    else {
      const ns = pidNamespaceOf(root.pid, procRoot);
      if (ns !== undefined) keyOfNamespace.set(ns, key);
    }
  }
  const children = new Map<number, number[]>();
  for (const pid of listPids(procRoot)) {
    if (keyOfNamespace.size > 0) {
      const ns = pidNamespaceOf(pid, procRoot);
      const key = ns === undefined ? undefined : keyOfNamespace.get(ns);
      if (key !== undefined) {
        out.get(key)!.push(pid);
        continue;
      }
    }
    if (treeRoots.length > 0) {
      const parent = parentOf(pid, procRoot);
      if (parent === undefined) continue;
      const siblings = children.get(parent);
      if (siblings) siblings.push(pid);
      else children.set(parent, [pid]);
    }
  }
  for (const [key, init] of treeRoots) {
    const members = out.get(key)!;
    for (const queue = [init]; queue.length > 0; ) {
      const pid = queue.pop()!;
      members.push(pid);
      queue.push(...(children.get(pid) ?? []));
    }
  }
  return out;
}

export function parentOf(pid: number, procRoot = "/proc"): number | undefined {
  try {
    const stat = readFileSync(`${procRoot}/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * The container of `pid` within one tree: the nearest ancestor (or itself) that is the init of a
 * nested container in `nestedInits` (pid -> container key), else `rootKey`.
 */
export function containerOfProcess(pid: number, rootKey: string, nestedInits: ReadonlyMap<number, string>, procRoot = "/proc"): string {
  let current: number | undefined = pid;
  for (let depth = 0; current !== undefined && current > 1 && depth < 64; depth++) {
    const key = nestedInits.get(current);
    if (key !== undefined) return key;
    current = parentOf(current, procRoot);
  }
  return rootKey;
}
