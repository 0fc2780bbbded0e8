import { expect, test } from "bun:test";
import { exitCodeOfWaitStatus } from "./wait-status.ts";

test("raw wait(2) statuses become shell exit codes", () => {
  expect(exitCodeOfWaitStatus(0)).toBe(0);
  expect(exitCodeOfWaitStatus(10 << 8)).toBe(10);
  expect(exitCodeOfWaitStatus(15)).toBe(143);
  expect(exitCodeOfWaitStatus(9 | 0x80)).toBe(137); // killed, core dumped
  expect(exitCodeOfWaitStatus(undefined)).toBe(0);
});
