import { expect, test } from "bun:test";
import { sameCommand } from "./keep-freed-memory.ts";

test("the command that runs the process again: the binary with its arguments, or bun with the script", () => {
  expect(sameCommand(["bun", "/$bunfs/root/mesos", "master", "--port=0"])).toEqual([process.execPath, "master", "--port=0"]);
  expect(sameCommand(["/usr/bin/bun", "/repo/apps/mesos/src/main.ts", "master"])).toEqual([
    process.execPath,
    "/repo/apps/mesos/src/main.ts",
    "master",
  ]);
});
