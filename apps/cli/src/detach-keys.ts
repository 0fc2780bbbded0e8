/**
 * Ctrl-P Ctrl-Q detaches `task attach` (Mesos's and Docker's sequence). The two keys may arrive in
 * separate reads, so a trailing Ctrl-P is held back until the next read shows what follows it.
 */
const CTRL_P = 0x10;
const CTRL_Q = 0x11;

export function createDetachScanner() {
  let held = false;
  return (chunk: Uint8Array): { forward: Uint8Array; detach: boolean } => {
    let bytes = chunk;
    if (held) {
      bytes = new Uint8Array(chunk.length + 1);
      bytes[0] = CTRL_P;
      bytes.set(chunk, 1);
      held = false;
    }
    for (let i = 0; i + 1 < bytes.length; i++) {
      if (bytes[i] === CTRL_P && bytes[i + 1] === CTRL_Q) return { forward: bytes.subarray(0, i), detach: true };
    }
    if (bytes[bytes.length - 1] === CTRL_P) {
      held = true;
      return { forward: bytes.subarray(0, bytes.length - 1), detach: false };
    }
    return { forward: bytes, detach: false };
  };
}
