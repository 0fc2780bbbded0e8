/** Exact-length reads over a stream of chunks of any size, copying only when a read spans chunks. */
export class ChunkReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    while (this.pos >= this.buf.length) {
      if (this.done) return false;
      const next = await this.it.next();
      if (next.done) {
        this.done = true;
        return false;
      }
      this.buf = next.value;
      this.pos = 0;
    }
    return true;
  }

  /** `n` bytes, or null at a clean end of the stream; a stream ending mid-read throws. */
  async readExact(n: number): Promise<Uint8Array | null> {
    if (!(await this.fill())) return null;
    if (this.buf.length - this.pos >= n) {
      const out = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      if (!(await this.fill())) throw new Error(`unexpected end of archive (wanted ${n} bytes, got ${got})`);
      const take = Math.min(n - got, this.buf.length - this.pos);
      out.set(this.buf.subarray(this.pos, this.pos + take), got);
      this.pos += take;
      got += take;
    }
    return out;
  }

  /** The next `n` bytes as they arrive, without copying. */
  async *take(n: number): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill())) throw new Error(`unexpected end of archive (${left} bytes of an entry missing)`);
      const k = Math.min(left, this.buf.length - this.pos);
      const out = this.buf.subarray(this.pos, this.pos + k);
      this.pos += k;
      left -= k;
      yield out;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.take(n));
  }

  /** Reads and drops whatever is left (trailing padding after the end-of-archive blocks). */
  async drain(): Promise<void> {
    this.pos = this.buf.length;
    while (await this.fill()) this.pos = this.buf.length;
  }
}
