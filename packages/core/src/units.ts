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

/** Nanoseconds per unit, smallest first: the units stout's Duration prints. */
const NANOS_PER_UNIT: readonly (readonly [string, number])[] = [
  ["ns", 1],
  ["us", 1e3],
  ["ms", 1e6],
  ["secs", 1e9],
  ["mins", 6e10],
  ["hrs", 3.6e12],
  ["days", 8.64e13],
  ["weeks", 6.048e14],
];

/**
 * Formats milliseconds as Mesos prints a duration (stout's `operator<<(ostream&, Duration)`), so
 * that messages, help texts and flags read as Mesos's: the unit is the largest the duration reaches
 * (`2mins`, `100ms`), or the next smaller one if only that gives a whole number (`1500ms`,
 * `90secs`, `10days`); otherwise a fraction of the larger unit with 15 significant digits
 * (`1.1875days`). Mesos keeps whole nanoseconds; so does this.
 */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  const ns = Math.round(Math.abs(ms) * 1e6);
  let i = NANOS_PER_UNIT.length - 1;
  while (i > 0 && ns < NANOS_PER_UNIT[i]![1]) i--;
  const [unit, size] = NANOS_PER_UNIT[i]!;
  if (i > 0 && ns % size !== 0) {
    const [smaller, smallerSize] = NANOS_PER_UNIT[i - 1]!;
    if (ns % smallerSize === 0) return `${sign}${ns / smallerSize}${smaller}`;
  }
  // C++'s stream precision 15 (digits10 of a double), without trailing zeros.
  return `${sign}${Number((ns / size).toPrecision(15))}${unit}`;
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
