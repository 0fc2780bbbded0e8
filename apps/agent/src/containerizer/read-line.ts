import { systemClock, type TimerHandle } from "@mesos/core";

/** The first line a process writes on a pipe, or undefined if it takes longer than `timeoutMs`. */
export async function readFirstLine(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string | undefined> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let timer: TimerHandle | undefined;
  const deadline = new Promise<undefined>((resolve) => (timer = systemClock.setTimeout(() => resolve(undefined), timeoutMs)));
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), deadline]);
      if (chunk === undefined) return undefined;
      if (chunk.done) return text.trim();
      text += decoder.decode(chunk.value, { stream: true });
      const nl = text.indexOf("\n");
      if (nl !== -1) return text.slice(0, nl);
    }
  } finally {
    timer?.cancel();
    reader.releaseLock();
  }
}
