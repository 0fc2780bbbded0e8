/**
 * The I/O switchboard's wire format on `io.sock` (a unix socket in the container's runtime
 * directory), spoken by the launch helper (server) and the agent (client). Small on purpose: the
 * helper runs once per container and must start fast, so no protobuf here; the agent turns it into
 * ProcessIO.
 *
 * A client first sends one line, `output\n` or `input\n`; the helper answers `ok\n`, or `busy\n`
 * when another input connection is attached (one at a time, as in Mesos). Then frames flow: one
 * kind byte, a 4-byte big-endian length, the payload.
 *   helper -> output client: STDOUT, STDERR (bytes), EXIT (JSON Termination), then the socket closes.
 *   input client -> helper: STDIN (bytes; empty = end of input for a task without a terminal),
 *   RESIZE (4 bytes: rows, columns as big-endian uint16).
 */
export const FRAME = { STDOUT: 1, STDERR: 2, EXIT: 3, STDIN: 4, RESIZE: 5 } as const;
export type FrameKind = (typeof FRAME)[keyof typeof FRAME];

export interface Frame {
  kind: FrameKind;
  payload: Uint8Array;
}

export function encodeFrame(kind: FrameKind, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  out[0] = kind;
  new DataView(out.buffer).setUint32(1, payload.length);
  out.set(payload, 5);
  return out;
}

export function encodeResize(rows: number, columns: number): Uint8Array {
  const p = new Uint8Array(4);
  const v = new DataView(p.buffer);
  v.setUint16(0, rows);
  v.setUint16(2, columns);
  return encodeFrame(FRAME.RESIZE, p);
}

export function decodeResize(payload: Uint8Array): { rows: number; columns: number } {
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { rows: v.getUint16(0), columns: v.getUint16(2) };
}

/** Incremental decoder: feed bytes, get whole frames. */
export function createFrameDecoder() {
  let buf = new Uint8Array(0);
  return (chunk: Uint8Array): Frame[] => {
    const joined = new Uint8Array(buf.length + chunk.length);
    joined.set(buf);
    joined.set(chunk, buf.length);
    const frames: Frame[] = [];
    let at = 0;
    while (joined.length - at >= 5) {
      const len = new DataView(joined.buffer, at + 1, 4).getUint32(0);
      if (joined.length - at - 5 < len) break;
      frames.push({ kind: joined[at] as FrameKind, payload: joined.slice(at + 5, at + 5 + len) });
      at += 5 + len;
    }
    buf = joined.slice(at);
    return frames;
  };
}
