/**
 * The local terminal of `task attach` / `task exec`: raw mode (restored on every way out, even
 * an uncaught error or a signal), its size and resizes (SIGWINCH), and writes that never drop
 * bytes on a non-blocking descriptor.
 */
import { writeSync } from "node:fs";

export interface WindowSize {
  rows: number;
  columns: number;
}

export interface LocalTerminal {
  readonly isTty: boolean;
  size(): WindowSize;
  /** Raw mode until `restore()` (or the process exits). */
  raw(): void;
  restore(): void;
  /** Calls `fn` with the new size after each SIGWINCH; returns the unsubscribe. */
  onResize(fn: (size: WindowSize) => void): () => void;
}

export function localTerminal(): LocalTerminal {
  const stdin = process.stdin;
  const isTty = stdin.isTTY === true;
  let rawNow = false;
  const restore = () => {
    if (!rawNow) return;
    rawNow = false;
    try {
      stdin.setRawMode(false);
    } catch {}
  };
  return {
    isTty,
    size: () => ({ rows: process.stdout.rows || 24, columns: process.stdout.columns || 80 }),
    raw() {
      if (!isTty || rawNow) return;
      stdin.setRawMode(true);
      rawNow = true;
      process.once("exit", restore);
    },
    restore() {
      restore();
      process.off("exit", restore);
    },
    onResize(fn) {
      const handler = () => fn({ rows: process.stdout.rows || 24, columns: process.stdout.columns || 80 });
      process.on("SIGWINCH", handler);
      return () => void process.off("SIGWINCH", handler);
    },
  };
}

/** Writes all of `bytes` to `fd`, waiting out EAGAIN (a terminal or pipe may be non-blocking). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Bun.sleepSync(1);
        continue;
      }
      if (code === "EPIPE") return;
      throw e;
    }
  }
}
