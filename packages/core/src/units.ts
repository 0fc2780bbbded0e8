/** Mesos's textual durations (`15secs`, `10mins`, `100ms`) and byte sizes (`32MB`). */

/** Milliseconds per unit of Mesos's (stout's) duration units. */
export const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  secs: 1000,
  mins: 60_000,
  hrs: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

/** Mesos keeps durations as int64 nanoseconds; anything longer cannot be represented. */
export const MAX_DURATION_MS = 9_223_372_036_854;

/** Parses a Mesos duration into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*([a-z]+)\s*$/.exec(text);
  if (!m) throw new Error(`Invalid duration '${text}' (expected a number and a unit, e.g. 15secs)`);
  const unit = DURATION_UNITS[m[2]!];
  if (unit === undefined) {
    throw new Error(`Invalid duration '${text}': unknown unit '${m[2]}' (use ${Object.keys(DURATION_UNITS).join(", ")})`);
  }
  const ms = Number(m[1]) * unit;
  if (ms > MAX_DURATION_MS) throw new Error(`Invalid duration '${text}': longer than a duration can be (about 292 years)`);
  return ms;
}

/** Formats milliseconds the way Mesos prints durations (largest unit that divides evenly). */
export function formatDuration(ms: number): string {
  for (const unit of ["weeks", "days", "hrs", "mins", "secs", "ms"] as const) {
    const size = DURATION_UNITS[unit]!;
    if (ms >= size && Number.isInteger(ms / size)) return `${ms / size}${unit}`;
  }
  if (ms === 0) return "0ns";
  return `${ms}ms`;
}

const BYTE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Parses a Mesos byte size (`512MB`, `1GB`) into bytes. */
export function parseBytes(text: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]+)\s*$/.exec(text);
  const unit = m ? BYTE_UNITS[m[2]!.toUpperCase()] : undefined;
  if (!m || unit === undefined) {
    throw new Error(`Invalid byte size '${text}' (expected a number and one of B, KB, MB, GB, TB)`);
  }
  const bytes = Math.round(Number(m[1]) * unit);
  // Mesos's Bytes is a uint64.
  if (bytes > 2 ** 64) throw new Error(`Invalid byte size '${text}': larger than 16EB`);
  return bytes;
}

export function formatBytes(bytes: number): string {
  for (const unit of ["TB", "GB", "MB", "KB"] as const) {
    const size = BYTE_UNITS[unit]!;
    if (bytes >= size && Number.isInteger(bytes / size)) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}
