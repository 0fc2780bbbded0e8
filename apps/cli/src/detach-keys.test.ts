import { expect, test } from "bun:test";
import { createDetachScanner } from "./detach-keys.ts";

const b = (...bytes: number[]) => new Uint8Array(bytes);

test("Ctrl-P Ctrl-Q in one read detaches; what came before it is still sent", () => {
  const scan = createDetachScanner();
  expect(scan(b(0x61, 0x10, 0x11, 0x62))).toEqual({ forward: b(0x61), detach: true });
});

test("the two keys may arrive in separate reads", () => {
  const scan = createDetachScanner();
  expect(scan(b(0x61, 0x10))).toEqual({ forward: b(0x61), detach: false });
  expect(scan(b(0x11))).toEqual({ forward: b(), detach: true });
});

test("a Ctrl-P followed by anything else is sent on, late but whole", () => {
  const scan = createDetachScanner();
  expect(scan(b(0x10))).toEqual({ forward: b(), detach: false });
  expect(scan(b(0x61))).toEqual({ forward: b(0x10, 0x61), detach: false });
  expect(scan(b(0x11))).toEqual({ forward: b(0x11), detach: false });
});
