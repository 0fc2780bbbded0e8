/**
 * What the agent offers when `--resources` leaves something out, computed as Mesos does
 * (Containerizer::resources): all cpus; memory minus 1 GB for the system (or half, below 2 GB);
 * the work dir's disk minus 5 GB (or half, below 10 GB); ports 31000-32000.
 */
import { statfsSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { invalid, isDynamicallyReserved, isPersistentVolume, isRevocable, parseResources, type Resources } from "@mesos/core";

const MB = 1024 * 1024;
const GB = 1024 * MB;

interface HostCapacity {
  cpus: number;
  memBytes: number;
  diskBytes: number;
}

export function probeHost(workDir: string): HostCapacity {
  const fs = statfsSync(workDir);
  return { cpus: availableParallelism(), memBytes: totalmem(), diskBytes: fs.blocks * fs.bsize };
}

export function defaultMemMb(totalBytes: number): number {
  const usable = totalBytes >= 2 * GB ? totalBytes - GB : totalBytes / 2;
  return Math.floor(usable / MB);
}

export function defaultDiskMb(totalBytes: number): number {
  const usable = totalBytes >= 10 * GB ? totalBytes - 5 * GB : totalBytes / 2;
  return Math.floor(usable / MB);
}

/**
 * The agent's resources: the flag's, plus detected cpus/mem/disk/ports for any of those names the
 * flag does not mention. `flagText` errors (bad token) propagate with the token named.
 */
export function agentResources(flagText: string | undefined, host: HostCapacity, defaultRole = "*"): Resources {
  const given = parseResources(flagText ?? "", { defaultRole });
  for (const r of given) {
    const what = `Invalid --resources: '${r.name}'`;
    if (isPersistentVolume(r)) throw invalid(`${what} is a persistent volume; volumes are created with CREATE, not on the command line`);
    if (isRevocable(r)) throw invalid(`${what} is revocable; revocable resources cannot be given on the command line`);
    if (isDynamicallyReserved(r)) throw invalid(`${what} is dynamically reserved; only static reservations (name(role):value) are allowed`);
  }
  const have = new Set(given.names());
  const detected: string[] = [];
  if (!have.has("cpus")) detected.push(`cpus:${host.cpus}`);
  if (!have.has("mem")) detected.push(`mem:${defaultMemMb(host.memBytes)}`);
  if (!have.has("disk")) detected.push(`disk:${defaultDiskMb(host.diskBytes)}`);
  if (!have.has("ports")) detected.push("ports:[31000-32000]");
  return given.plus(parseResources(detected.join(";"), { defaultRole }));
}
