import { describe, expect, test } from "bun:test";
import { Channel } from "./channel.ts";

describe("Channel", () => {
  test("delivers items pushed before and after the consumer waits, then ends on close", async () => {
    const ch = new Channel<number>();
    ch.push(1);
    const seen: number[] = [];
    const done = (async () => {
      for await (const v of ch) seen.push(v);
    })();
    await Bun.sleep(1);
    ch.push(2);
    ch.push(3);
    ch.close();
    await done;
    expect(seen).toEqual([1, 2, 3]);
    expect(ch.push(4)).toBe(false);
  });

  test("close with an error makes the waiting consumer throw", async () => {
    const ch = new Channel<number>();
    const done = (async () => {
      for await (const _ of ch) {
      }
    })();
    await Bun.sleep(1);
    ch.close(new Error("stream reset"));
    await expect(done).rejects.toThrow("stream reset");
  });
});
