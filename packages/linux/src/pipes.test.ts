import { expect, test } from "bun:test";
import { closeSync, fstatSync } from "node:fs";
import { createPipe } from "./pipes.ts";

test("createPipe gives a real pipe (a FIFO both ends) that a child sees as one", async () => {
  const stdin = createPipe();
  const stdout = createPipe();
  expect(fstatSync(stdin.read).isFIFO()).toBe(true);
  expect(fstatSync(stdout.write).isFIFO()).toBe(true);
  const proc = Bun.spawn(["sh", "-c", "[ -p /dev/stdin ] && [ -p /dev/stdout ] && echo pipes; cat"], {
    stdio: [stdin.read, stdout.write, "inherit"],
  });
  closeSync(stdin.read);
  closeSync(stdout.write);
  const sink = Bun.file(stdin.write).writer();
  sink.write("through\n");
  await sink.end();
  closeSync(stdin.write);
  const out = await new Response(Bun.file(stdout.read).stream()).text();
  closeSync(stdout.read);
  expect(await proc.exited).toBe(0);
  expect(out).toBe("pipes\nthrough\n");
});
