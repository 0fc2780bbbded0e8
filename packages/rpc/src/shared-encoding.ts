/**
 * Messages sent unchanged to many streams (an operator event reaches every operator subscriber):
 * each of their encodings (protobuf, Connect's JSON, Mesos's JSON) is made once, by the first
 * stream that needs it, and reused by the others. A message is marked before it is handed out and
 * must not change afterwards; unmarked messages (most: a framework's events are its own) are
 * encoded by each stream as before, at the cost of one lookup.
 */
export type Encoding = "protobuf" | "connect-json" | "mesos-json";

const shared = new WeakMap<object, Partial<Record<Encoding, Uint8Array | (() => Uint8Array)>>>();

/** Marks `message` as going to several streams, unchanged from now on. */
export function shareEncodings(message: object): void {
  if (!shared.has(message)) shared.set(message, {});
}

/**
 * Gives `message` its `encoding` made elsewhere (e.g. written around bytes it relays unchanged, or
 * by a hand encoder, called when a stream first needs it); the message must not change afterwards.
 */
export function presetEncoding(message: object, encoding: Encoding, bytes: Uint8Array | (() => Uint8Array)): void {
  let encodings = shared.get(message);
  if (!encodings) shared.set(message, (encodings = {}));
  encodings[encoding] = bytes;
}

/** `encode()`'s bytes, made once per encoding for a shared message. */
export function encodeShared(message: object, encoding: Encoding, encode: () => Uint8Array): Uint8Array {
  const encodings = shared.get(message);
  if (encodings === undefined) return encode();
  const preset = encodings[encoding];
  if (typeof preset === "function") return (encodings[encoding] = preset());
  return preset ?? (encodings[encoding] = encode());
}
