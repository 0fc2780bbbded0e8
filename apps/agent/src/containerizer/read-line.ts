/** The first line a process writes on a pipe, or undefined if it takes longer than `timeoutMs`. */
export async function readFirstLine(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string | undefined> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
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
    clearTimeout(timer);
    reader.releaseLock();
  }
}
