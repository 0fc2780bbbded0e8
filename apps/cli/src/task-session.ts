/**
 * Streams a container's I/O between the agent and this terminal, as Mesos's CLI does for
 * `task attach` and `task exec`: the output stream first (DATA records to stdout or stderr), then,
 * with stdin, an ATTACH_CONTAINER_INPUT stream carrying stdin in chunks of at most 1024 bytes,
 * an empty DATA record at end of input, a HEARTBEAT every 30 s, and with a TTY the window size
 * (0x0 first, to make the task redraw, then the real size, then on every SIGWINCH).
 *
 * It ends when the container's output ends, on Ctrl-P Ctrl-Q (with `detachKeys`), or on Ctrl-C
 * when the terminal is not raw (the task is not touched then). The terminal is restored whatever
 * happens.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type AgentClient, statusOf } from "@mesos/client";
import { Channel } from "@mesos/core";
import { agent, type ContainerID } from "@mesos/proto";
import { createDetachScanner } from "./detach-keys.ts";
import { type LocalTerminal, type WindowSize, writeAll } from "./terminal.ts";

type ProcessIOInit = MessageInitShape<typeof agent.ProcessIOSchema>;

const HEARTBEAT_INTERVAL_MS = 30_000;
const STDIN_CHUNK = 1024;

export interface SessionOptions {
  agent: AgentClient;
  containerId: ContainerID | MessageInitShape<typeof agent.Call_AttachContainerOutputSchema>["containerId"];
  /** Opens the output stream (ATTACH_CONTAINER_OUTPUT or LAUNCH_NESTED_CONTAINER_SESSION). */
  openOutput(signal: AbortSignal): Promise<AsyncIterable<agent.ProcessIO>>;
  terminal: LocalTerminal;
  /** Stream this process's stdin to the container. */
  stdin: boolean;
  /** The container has a TTY: the local terminal goes raw (with stdin) and its size is sent. */
  tty: boolean;
  /** Ctrl-P Ctrl-Q ends the session (the container keeps running). */
  detachKeys: boolean;
}

type SessionEnd = "ended" | "detached" | "interrupted";

const data = (bytes: Uint8Array): ProcessIOInit => ({
  type: agent.ProcessIO_Type.DATA,
  data: { type: agent.ProcessIO_Data_Type.STDIN, data: bytes },
});
const ttyInfo = (size: WindowSize): ProcessIOInit => ({
  type: agent.ProcessIO_Type.CONTROL,
  control: { type: agent.ProcessIO_Control_Type.TTY_INFO, ttyInfo: { windowSize: size } },
});
const heartbeat: ProcessIOInit = {
  type: agent.ProcessIO_Type.CONTROL,
  control: {
    type: agent.ProcessIO_Control_Type.HEARTBEAT,
    heartbeat: { interval: { nanoseconds: BigInt(HEARTBEAT_INTERVAL_MS) * 1_000_000n } },
  },
};

export async function runSession(o: SessionOptions): Promise<SessionEnd> {
  const abort = new AbortController();
  const output = await o.openOutput(abort.signal);
  let end = "ended" as SessionEnd;
  const stop = (why: SessionEnd) => {
    if (abort.signal.aborted) return;
    end = why;
    abort.abort();
  };
  const cleanups: (() => void)[] = [];
  let inputError: unknown;
  let inputDone: Promise<void> = Promise.resolve();
  try {
    const raw = o.tty && o.stdin;
    if (raw) o.terminal.raw();
    else {
      const onInt = () => stop("interrupted");
      process.on("SIGINT", onInt);
      cleanups.push(() => process.off("SIGINT", onInt));
    }
    if (o.stdin) {
      const records = new Channel<ProcessIOInit>();
      cleanups.push(() => records.close());
      records.push(heartbeat);
      const timer = setInterval(() => records.push(heartbeat), HEARTBEAT_INTERVAL_MS);
      cleanups.push(() => clearInterval(timer));
      if (o.tty) {
        records.push(ttyInfo({ rows: 0, columns: 0 }));
        records.push(ttyInfo(o.terminal.size()));
        cleanups.push(o.terminal.onResize((size) => records.push(ttyInfo(size))));
      }
      cleanups.push(readStdin(records, o.detachKeys ? createDetachScanner() : undefined, () => stop("detached")));
      inputDone = o.agent.attachContainerInput(o.containerId!, records, abort.signal).catch((e) => {
        if (abort.signal.aborted) return;
        // The container ended before its input was attached: its output still says everything.
        if (statusOf(e) === 404 || statusOf(e) === 500) return;
        inputError = e;
        stop("ended");
      });
    }
    try {
      for await (const record of output) {
        if (record.type !== agent.ProcessIO_Type.DATA || !record.data) continue;
        writeAll(record.data.type === agent.ProcessIO_Data_Type.STDERR ? 2 : 1, record.data.data);
      }
    } catch (e) {
      if (!abort.signal.aborted) throw e;
    }
  } finally {
    for (const c of cleanups.reverse()) c();
    abort.abort();
    await inputDone;
    o.terminal.restore();
  }
  if (inputError) throw inputError;
  if (end === "detached") writeAll(1, new TextEncoder().encode("\r\n"));
  return end;
}

/** Feeds stdin into `records` (DATA chunks, then an empty DATA at EOF); returns the stop function. */
function readStdin(
  records: Channel<ProcessIOInit>,
  scan: ((chunk: Uint8Array) => { forward: Uint8Array; detach: boolean }) | undefined,
  onDetach: () => void,
): () => void {
  const stdin = process.stdin;
  const onData = (chunk: Buffer) => {
    let bytes: Uint8Array = chunk;
    let detach = false;
    if (scan) ({ forward: bytes, detach } = scan(bytes));
    for (let at = 0; at < bytes.length; at += STDIN_CHUNK) records.push(data(bytes.slice(at, at + STDIN_CHUNK)));
    if (detach) onDetach();
  };
  const onEnd = () => {
    records.push(data(new Uint8Array(0)));
    records.close();
  };
  stdin.on("data", onData);
  stdin.once("end", onEnd);
  stdin.resume();
  return () => {
    stdin.off("data", onData);
    stdin.off("end", onEnd);
    stdin.pause();
  };
}
