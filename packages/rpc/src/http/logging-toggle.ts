/**
 * libprocess's `/logging/toggle` (master and agent): without a query it answers the verbosity
 * level; with `level` and `duration` it raises the level for that long, then puts the original one
 * back (the same LoggingLevel the operator API's SET_LOGGING_LEVEL uses). Statuses and texts are
 * libprocess 1.8's (logging.cpp), including stout's number and duration errors.
 */
import { DURATION_UNITS, type LoggingLevel, MAX_DURATION_MS } from "@mesos/core";
import type { Hono } from "hono";

/** stout's numify<int>: a decimal integer that fits in 32 bits. */
function numifyInt(s: string): number | string {
  const n = Number(s);
  if (!/^[+-]?\d+$/.test(s) || n > 2 ** 31 - 1 || n < -(2 ** 31)) return `Failed to convert '${s}' to number`;
  return n;
}

/** stout's Duration::parse, in milliseconds, or its error. */
export function parseStoutDuration(s: string): number | string {
  const index = s.search(/[^0-9.]/);
  if (index === -1) return `Invalid duration '${s}'`;
  const number = s.slice(0, index);
  const value = Number(number);
  if (number === "" || !/^\d*\.?\d*$/.test(number) || Number.isNaN(value)) return `Failed to convert '${number}' to number`;
  const factor = DURATION_UNITS[s.slice(index)];
  if (factor === undefined) {
    return `Unknown duration unit '${s.slice(index)}'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'`;
  }
  const ms = value * factor;
  if (ms > MAX_DURATION_MS) return "Argument out of the range that a Duration can represent due to int64_t's size limit";
  return ms;
}

export function mountLoggingToggle(app: Hono, logging: LoggingLevel): void {
  app.all("/logging/toggle", (c) => {
    const level = c.req.query("level");
    const duration = c.req.query("duration");
    if (level === undefined && duration === undefined) return c.text(`${logging.level()}\n`);
    if (duration === undefined) return c.text("Expecting 'duration=value' in query.\n", 400);
    if (level === undefined) return c.text("Expecting 'level=value' in query.\n", 400);
    const v = numifyInt(level);
    if (typeof v === "string") return c.text(`${v}.\n`, 400);
    if (v < 0) return c.text(`Invalid level '${v}'.\n`, 400);
    if (v < logging.original()) return c.text(`'${v}' < original level.\n`, 400);
    const d = parseStoutDuration(duration);
    if (typeof d === "string") return c.text(`${d}.\n`, 400);
    logging.set(v, d);
    return c.body(null, 200);
  });
}
