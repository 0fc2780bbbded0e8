/**
 * /proc/<pid>/mountinfo, parsed: what the volume isolators read to find the mount that holds a
 * host path (is it shared? BIDIRECTIONAL propagation needs that), what the launch helper reads to
 * keep such a mount shared while every other one becomes a slave, and what tests read to prove
 * that no container mount is left on the host.
 */
import { readFileSync } from "node:fs";

export interface MountEntry {
  id: number;
  parent: number;
  /** The mount point, octal escapes (`\040` for a space) decoded. */
  target: string;
  /** The path inside the mounted filesystem that is mounted here (a bind's source). */
  root: string;
  fstype: string;
  /** The peer group when the mount is shared (`shared:N`). */
  sharedPeerGroup?: number;
  /** The master's peer group when it is a slave (`master:N`). */
  masterPeerGroup?: number;
}

export function readMountTable(pid: number | "self" = "self"): MountEntry[] {
  return parseMountInfo(readFileSync(`/proc/${pid}/mountinfo`, "utf8"));
}

export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const [left, right = ""] = line.split(" - ");
    const fields = left!.split(" ");
    const optional = fields.slice(6);
    const tag = (name: string) => {
      const f = optional.find((o) => o.startsWith(`${name}:`));
      return f === undefined ? undefined : Number(f.slice(name.length + 1));
    };
    entries.push({
      id: Number(fields[0]),
      parent: Number(fields[1]),
      root: unescapeOctal(fields[3] ?? ""),
      target: unescapeOctal(fields[4] ?? ""),
      fstype: right.split(" ")[0] ?? "",
      sharedPeerGroup: tag("shared"),
      masterPeerGroup: tag("master"),
    });
  }
  return entries;
}

/** The mount that holds `path` (the last one mounted on the longest mount point that is a prefix of it). */
export function findMountContaining(entries: readonly MountEntry[], path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const e of entries) {
    const under = e.target === "/" || path === e.target || path.startsWith(`${e.target}/`);
    if (under && (!best || e.target.length >= best.target.length)) best = e;
  }
  return best;
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}
