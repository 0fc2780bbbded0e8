/**
 * The task's I/O, set up by the launch helper. Without a switchboard the task's stdout and stderr
 * go straight to the sandbox files. With one (a container with a TTY, or a DEBUG container), the
 * helper holds the other end: the task's output is appended to the sandbox files and streamed to
 * every attached output client, and one input client at a time writes the task's stdin (or its
 * terminal) and resizes the terminal. Clients attach on `io.sock`, see io-protocol.ts.
 *
 * Without a terminal the task's stdin, stdout and stderr are pipes, as Mesos's switchboard gives
 * them: Bun.spawn's "pipe" would be a socket pair, which programs can tell apart (bash reads
 * ~/.bashrc as if interactive when its stdin is a socket).
 */
import { closeSync, existsSync, openSync, unlinkSync, writeSync } from "node:fs";
import type { ReadStream } from "node:tty";
import type { Socket } from "bun";
import { createPipe, openPty, type Pipe, setWindowSize, type Pty } from "@mesos/linux";
import type { LaunchInfo } from "../launch-protocol/launch-info.ts";
import type { Termination } from "../launch-protocol/termination.ts";
import { FRAME, createFrameDecoder, decodeResize, encodeFrame, type FrameKind } from "../launch-protocol/io-protocol.ts";

type Stdio = "ignore" | "pipe" | number;

export interface TaskIo {
  stdio: [Stdio, Stdio, Stdio];
  tty: boolean;
  /** The task runs (or failed to start): let go of its ends and start moving its output. */
  started(): void;
  /** The task ended and nothing else runs in the container: drain, tell clients, close. */
  finish(t: Termination): Promise<void>;
}

/** No switchboard: output to the sandbox files, no input. */
export function fileIo(info: LaunchInfo): TaskIo {
  const out = openSync(info.stdoutPath, "a");
  const err = openSync(info.stderrPath, "a");
  return {
    stdio: ["ignore", out, err],
    tty: false,
    started() {
      closeSync(out);
      closeSync(err);
    },
    async finish() {},
  };
}

interface Client {
  role?: "output" | "input";
  head: string;
  decode: (chunk: Uint8Array) => { kind: FrameKind; payload: Uint8Array }[];
  queue: Uint8Array[];
  ending: boolean;
}

const MAX_BUFFERED = 1 << 20;
const FIRST_ATTACH_WAIT_MS = 5000;

export function startSwitchboard(info: LaunchInfo, socketPath: string): TaskIo {
  const options = info.switchboard ?? {};
  const outFile = openSync(info.stdoutPath, "a");
  const errFile = openSync(info.stderrPath, "a");
  const pty: Pty | undefined = options.tty ? openPty(options.tty) : undefined;
  const pipes: { in: Pipe; out: Pipe; err: Pipe } | undefined = pty ? undefined : { in: createPipe(), out: createPipe(), err: createPipe() };
  const outputs = new Set<Socket<Client>>();
  let input: Socket<Client> | undefined;
  let stdin: { write(b: Uint8Array): void; end(): void } | undefined;
  const earlyInput: (Uint8Array | null)[] = [];
  let held: Uint8Array[] | undefined = options.bufferUntilAttached ? [] : undefined;
  let heldBytes = 0;
  const pumps: Promise<void>[] = [];
  let terminal: ReadStream | undefined;
  let closeStdin = () => {};

  const flush = (s: Socket<Client>) => {
    while (s.data.queue.length > 0) {
      const next = s.data.queue[0]!;
      const n = s.write(next);
      if (n < next.length) {
        s.data.queue[0] = next.subarray(Math.max(n, 0));
        return;
      }
      s.data.queue.shift();
    }
    if (s.data.ending) s.end();
  };
  const send = (s: Socket<Client>, frame: Uint8Array) => {
    s.data.queue.push(frame);
    if (s.data.queue.length === 1) flush(s);
  };
  const broadcast = (kind: FrameKind, bytes: Uint8Array) => {
    const frame = encodeFrame(kind, bytes);
    if (held) {
      if (heldBytes + frame.length <= MAX_BUFFERED) {
        held.push(frame);
        heldBytes += frame.length;
      }
      return;
    }
    for (const s of outputs) send(s, frame);
  };
  const toStdin = (data: Uint8Array | null) => {
    if (pty) {
      if (data && data.length > 0) writeAll(pty.master, data);
      return;
    }
    if (!stdin) return void earlyInput.push(data);
    if (data === null || data.length === 0) stdin.end();
    else stdin.write(data);
  };

  if (existsSync(socketPath)) unlinkSync(socketPath);
  const server = Bun.listen<Client>({
    unix: socketPath,
    socket: {
      open(s) {
        s.data = { head: "", decode: createFrameDecoder(), queue: [], ending: false };
      },
      data(s, chunk) {
        let bytes: Uint8Array = chunk;
        if (!s.data.role) {
          const nl = chunk.indexOf(10);
          if (nl < 0) return void (s.data.head += new TextDecoder().decode(chunk));
          const role = (s.data.head + new TextDecoder().decode(chunk.subarray(0, nl))).trim();
          bytes = chunk.subarray(nl + 1);
          if (role === "output") {
            s.data.role = "output";
            s.write("ok\n");
            outputs.add(s);
            if (held) {
              for (const f of held) send(s, f);
              held = undefined;
            }
          } else if (role === "input") {
            if (input) {
              s.write("busy\n");
              return void s.end();
            }
            s.data.role = "input";
            input = s;
            s.write("ok\n");
          } else {
            s.write(`unknown request '${role}'\n`);
            return void s.end();
          }
        }
        if (s.data.role !== "input") return;
        for (const f of s.data.decode(bytes)) {
          if (f.kind === FRAME.STDIN) toStdin(f.payload);
          else if (f.kind === FRAME.RESIZE && pty) {
            const { rows, columns } = decodeResize(f.payload);
            try {
              setWindowSize(pty.master, rows, columns);
            } catch {}
          }
        }
      },
      drain(s) {
        flush(s);
      },
      close(s) {
        outputs.delete(s);
        if (input === s) input = undefined;
      },
      error(s) {
        outputs.delete(s);
        if (input === s) input = undefined;
      },
    },
  });

  const pump = async (stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, file: number, kind: FrameKind) => {
    try {
      for await (const chunk of stream as AsyncIterable<Uint8Array>) {
        writeAll(file, chunk);
        broadcast(kind, chunk);
      }
    } catch {
      // EIO on the terminal once the task and everything holding it is gone.
    }
  };

  return {
    stdio: pty ? [pty.slave, pty.slave, pty.slave] : [pipes!.in.read, pipes!.out.write, pipes!.err.write],
    tty: pty !== undefined,
    started() {
      if (pty) {
        closeSync(pty.slave);
        // Bun.file().stream() preads, which a terminal refuses (ESPIPE); a tty.ReadStream reads.
        // node:tty is loaded only here: importing it costs a helper ~13 ms at start-up.
        const { ReadStream } = require("node:tty") as typeof import("node:tty");
        terminal = new ReadStream(pty.master);
        pumps.push(pump(terminal, outFile, FRAME.STDOUT));
        return;
      }
      const p = pipes!;
      for (const fd of [p.in.read, p.out.write, p.err.write]) closeSync(fd);
      const sink = Bun.file(p.in.write).writer();
      let stdinOpen = true;
      stdin = {
        write: (b) => {
          sink.write(b);
          sink.flush();
        },
        // The sink does not close a descriptor it was given: EOF needs the close.
        end: () => {
          if (!stdinOpen) return;
          stdinOpen = false;
          void Promise.resolve(sink.end())
            .catch(() => {})
            .then(() => closeSync(p.in.write));
        },
      };
      closeStdin = () => stdin?.end();
      for (const d of earlyInput.splice(0)) toStdin(d);
      pumps.push(pump(Bun.file(p.out.read).stream(), outFile, FRAME.STDOUT).finally(() => closeSync(p.out.read)));
      pumps.push(pump(Bun.file(p.err.read).stream(), errFile, FRAME.STDERR).finally(() => closeSync(p.err.read)));
    },
    async finish(t) {
      await Promise.race([Promise.all(pumps), Bun.sleep(2000)]);
      // A DEBUG container's client attaches right after the launch: give it the chance to see
      // the output of a task that was quicker than that.
      if (held) await Promise.race([waitFor(() => outputs.size > 0), Bun.sleep(FIRST_ATTACH_WAIT_MS)]);
      if (terminal) terminal.destroy();
      else if (pty) closeSync(pty.master);
      closeStdin();
      held = undefined;
      broadcast(FRAME.EXIT, new TextEncoder().encode(JSON.stringify(t)));
      for (const s of outputs) {
        s.data.ending = true;
        flush(s);
      }
      input?.end();
      await Promise.race([waitFor(() => outputs.size === 0), Bun.sleep(2000)]);
      server.stop(true);
      try {
        unlinkSync(socketPath);
      } catch {}
      closeSync(outFile);
      closeSync(errFile);
    },
  };
}

function writeAll(fd: number, data: Uint8Array): void {
  let at = 0;
  while (at < data.length) {
    try {
      at += writeSync(fd, data, at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
      return;
    }
  }
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await Bun.sleep(10);
}
