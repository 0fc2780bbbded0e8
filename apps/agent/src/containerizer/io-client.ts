/**
 * The agent's side of a container's I/O switchboard (`io.sock`, see
 * launch-protocol/io-protocol.ts): an output attachment as an async iterable of frames, and an input
 * attachment to write stdin and terminal sizes. A second input attachment is refused by the
 * helper (conflict), as in Mesos.
 */
import type { Socket } from "bun";
import { Channel, conflict, internal, unavailable } from "@mesos/core";
import { FRAME, createFrameDecoder, encodeFrame, encodeResize, type Frame } from "../launch-protocol/io-protocol.ts";
import type { InputAttachment } from "./containerizer.ts";

interface Conn {
  socket: Socket<undefined>;
  frames: Channel<Frame>;
  /** Writes everything, queueing what the socket does not take now until it drains. */
  send(bytes: Uint8Array): void;
}

async function connect(path: string, role: "output" | "input"): Promise<Conn> {
  const frames = new Channel<Frame>();
  const decode = createFrameDecoder();
  let head: string | undefined = "";
  let answered!: (answer: string) => void;
  const answer = new Promise<string>((r) => (answered = r));
  let socket: Socket<undefined>;
  const queue: Uint8Array[] = [];
  const flush = () => {
    while (queue.length > 0) {
      const next = queue[0]!;
      const n = socket.write(next);
      if (n < next.length) {
        queue[0] = next.subarray(Math.max(0, n));
        return;
      }
      queue.shift();
    }
  };
  try {
    socket = await Bun.connect({
      unix: path,
      socket: {
        data(_s, chunk) {
          let bytes: Uint8Array = chunk;
          if (head !== undefined) {
            const nl = chunk.indexOf(10);
            if (nl < 0) return void (head += new TextDecoder().decode(chunk));
            const line = head + new TextDecoder().decode(chunk.subarray(0, nl));
            head = undefined;
            answered(line.trim());
            bytes = chunk.subarray(nl + 1);
          }
          for (const f of decode(bytes)) frames.push(f);
        },
        drain() {
          flush();
        },
        close() {
          answered("closed");
          frames.close();
        },
        error(_s, e) {
          answered("closed");
          frames.close(e);
        },
      },
    });
  } catch (e) {
    throw unavailable(`Cannot reach the container's I/O switchboard at ${path}: ${(e as Error).message}`, e);
  }
  socket.write(`${role}\n`);
  const reply = await answer;
  if (reply === "busy") {
    socket.end();
    throw conflict("Another client is already attached to the container's input");
  }
  if (reply !== "ok") {
    socket.end();
    throw internal(`The container's I/O switchboard answered '${reply}'`);
  }
  const send = (bytes: Uint8Array) => {
    queue.push(bytes);
    if (queue.length === 1) flush();
  };
  return { socket, frames, send };
}

/** The container's output until it ends (the EXIT frame) or `signal` aborts. */
export async function attachOutput(path: string, signal?: AbortSignal): Promise<AsyncIterable<Frame>> {
  const conn = await connect(path, "output");
  const onAbort = () => conn.socket.end();
  signal?.addEventListener("abort", onAbort, { once: true });
  return (async function* () {
    try {
      for await (const f of conn.frames) {
        yield f;
        if (f.kind === FRAME.EXIT) return;
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      conn.socket.end();
    }
  })();
}

export async function attachInput(path: string): Promise<InputAttachment> {
  const conn = await connect(path, "input");
  const send = conn.send;
  return {
    stdin: (data) => send(encodeFrame(FRAME.STDIN, data)),
    eof: () => send(encodeFrame(FRAME.STDIN)),
    resize: (rows, columns) => send(encodeResize(rows, columns)),
    close: () => conn.socket.end(),
  };
}
