/**
 * The switchboard's frames as ProcessIO records, with a HEARTBEAT first and then every
 * `--http_heartbeat_interval` (as Mesos sends on attach and session streams).
 */
import { create } from "@bufbuild/protobuf";
import { Channel, type Clock } from "@mesos/core";
import { agent } from "@mesos/proto";
import { FRAME, type Frame } from "../launch-protocol/io-protocol.ts";

function frameToProcessIO(f: Frame): agent.ProcessIO | undefined {
  if (f.kind !== FRAME.STDOUT && f.kind !== FRAME.STDERR) return undefined;
  return create(agent.ProcessIOSchema, {
    type: agent.ProcessIO_Type.DATA,
    data: { type: f.kind === FRAME.STDOUT ? agent.ProcessIO_Data_Type.STDOUT : agent.ProcessIO_Data_Type.STDERR, data: f.payload },
  });
}

function heartbeat(intervalMs: number): agent.ProcessIO {
  return create(agent.ProcessIOSchema, {
    type: agent.ProcessIO_Type.CONTROL,
    control: { type: agent.ProcessIO_Control_Type.HEARTBEAT, heartbeat: { interval: { nanoseconds: BigInt(Math.round(intervalMs * 1_000_000)) } } },
  });
}

/**
 * Output frames as ProcessIO, heartbeats in between; ends after the container's EXIT frame.
 * `onEnd` runs however the stream ends: `complete` when the container's output ended, not when
 * the client went away first.
 */
export function processIoStream(
  frames: AsyncIterable<Frame>,
  clock: Clock,
  intervalMs: number,
  onEnd?: (complete: boolean) => void,
): AsyncIterable<agent.ProcessIO> {
  const out = new Channel<agent.ProcessIO>();
  let complete = false;
  // One heartbeat at once: Bun.serve sends a streamed response's headers only with its first
  // bytes, and a client that waits for them before it attaches input (Mesos's CLI does) would wait
  // for a quiet container's first output or the next heartbeat otherwise.
  out.push(heartbeat(intervalMs));
  let timer = clock.setTimeout(function beat() {
    out.push(heartbeat(intervalMs));
    timer = clock.setTimeout(beat, intervalMs);
  }, intervalMs);
  void (async () => {
    try {
      for await (const f of frames) {
        const record = frameToProcessIO(f);
        if (record) out.push(record);
      }
      complete = true;
      out.close();
    } catch (e) {
      out.close(e);
    } finally {
      timer.cancel();
    }
  })();
  return (async function* () {
    try {
      yield* out;
    } finally {
      timer.cancel();
      onEnd?.(complete);
    }
  })();
}
