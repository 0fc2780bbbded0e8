/**
 * How many bytes a response's body holds, read as a client streams it (chunk by chunk, as curl
 * does) and not gathered with `Response.arrayBuffer()`: in Bun 1.4 that costs the reading process
 * about 12 ms of CPU a MB (1.2 s for a 100 MB body; iterating the body's chunks about 2 ms a MB,
 * curl about 1), and on a bench's one thread, with 10 readers of a 122 MB GET_STATE at once, that
 * alone was most of the 20 s the state views seemed to take (the master had sent its answers).
 */
export async function bodyLength(res: Response): Promise<number> {
  let bytes = 0;
  if (res.body) for await (const chunk of res.body) bytes += chunk.byteLength;
  return bytes;
}
