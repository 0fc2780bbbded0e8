/**
 * Log lines written once a turn instead of one write each: after a failover the master logs a line
 * per re-registering agent (10,000 in a few seconds), and a write per line was a tenth of its main
 * thread then. glog buffers too. The lines of a turn go out together on the next one (setImmediate),
 * at once when an error is logged, and before the process exits (also on an uncaught exception):
 * only a kill -9 loses the lines of the turn it interrupts.
 */
import { writeSync } from "node:fs";

export interface LineBuffer {
  /** Adds a line (without its newline); it is written within the turn. */
  push(line: string): void;
  /** Writes what is buffered now. */
  flush(): void;
}

/**
 * `write` gets the buffered lines, each ended by a newline, in one string. At exit `writeAtExit`
 * is used instead if given (a stream's asynchronous write may not finish then).
 */
export function lineBuffer(write: (text: string) => void, writeAtExit?: (text: string) => void): LineBuffer {
  let lines: string[] = [];
  let scheduled = false;
  const take = (): string | undefined => {
    if (lines.length === 0) return undefined;
    const text = `${lines.join("\n")}\n`;
    lines = [];
    return text;
  };
  const buffer: LineBuffer = {
    push(line) {
      lines.push(line);
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        buffer.flush();
      });
    },
    flush() {
      const text = take();
      if (text !== undefined) write(text);
    },
  };
  atExit(() => {
    const text = take();
    if (text !== undefined) (writeAtExit ?? write)(text);
  });
  return buffer;
}

/** What the buffers write when the process exits. */
const exitHooks: (() => void)[] = [];
let exitHooked = false;
function atExit(hook: () => void): void {
  exitHooks.push(hook);
  if (exitHooked) return;
  exitHooked = true;
  process.on("exit", () => {
    for (const h of exitHooks) {
      try {
        h();
      } catch {
        // The other buffers still get written.
      }
    }
  });
}

/** stderr's buffer (one per process: every logger writing there shares it, so lines stay in order). */
let stderr: LineBuffer | undefined;
export function stderrLines(): LineBuffer {
  stderr ??= lineBuffer(
    (text) => void process.stderr.write(text),
    (text) => void writeSync(2, text),
  );
  return stderr;
}
