/**
 * The CLI's one boundary for errors: a thrown error becomes one line on stderr and an exit code
 * from sysexits(3), by kind: not found 2, invalid input 64, unavailable 69, no permission 77,
 * anything else 1.
 */
import { type ErrorKind, errorMessage, FlagError, isMesosError } from "@mesos/core";

export const EXIT = { ok: 0, failure: 1, notFound: 2, usage: 64, unavailable: 69, permission: 77 } as const;

const BY_KIND: Partial<Record<ErrorKind, number>> = {
  not_found: EXIT.notFound,
  invalid: EXIT.usage,
  unavailable: EXIT.unavailable,
  permission_denied: EXIT.permission,
  unauthenticated: EXIT.permission,
};

export function exitCodeOf(e: unknown): number {
  if (e instanceof FlagError) return EXIT.usage;
  if (isMesosError(e)) return BY_KIND[e.kind] ?? EXIT.failure;
  return EXIT.failure;
}

/** `Error: <message>.` on one line (Mesos's CLI ends its messages with a period). */
export function errorLine(e: unknown): string {
  const message = errorMessage(e)
    .replace(/\s*\n\s*/g, " ")
    .trim();
  return `Error: ${/[.!?]$/.test(message) ? message : `${message}.`}`;
}
