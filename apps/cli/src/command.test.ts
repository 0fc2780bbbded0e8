import { expect, test } from "bun:test";
import { flag } from "@mesos/core";
import { defineCommand, parseCommandArgs } from "./command.ts";

const exec = defineCommand({
  name: "exec",
  args: "TASK CMD",
  summary: "",
  flags: { interactive: flag.bool("", { default: false }), tty: flag.bool("", { default: false }) },
  short: { i: "interactive", t: "tty" },
  stopAfterPositionals: 1,
  run: async () => 0,
});

test("single-letter aliases, alone or together", () => {
  const p = parseCommandArgs(exec, ["-it", "t1", "--", "sh"]);
  expect([p.flags.interactive, p.flags.tty, p.args, p.rest]).toEqual([true, true, ["t1"], ["sh"]]);
  expect(parseCommandArgs(exec, ["-i", "t1", "sh"]).flags.tty).toBe(false);
});

test("everything after the command's positionals passes through, flags included", () => {
  const p = parseCommandArgs(exec, ["t1", "-i", "ls", "-l", "--all"]);
  expect([p.flags.interactive, p.args, p.rest]).toEqual([true, ["t1"], ["ls", "-l", "--all"]]);
  expect(parseCommandArgs(exec, ["t1", "--", "ls", "--", "x"]).rest).toEqual(["ls", "--", "x"]);
});

test("an unknown letter or flag is a FlagError", () => {
  expect(() => parseCommandArgs(exec, ["-x", "t1", "sh"])).toThrow("unknown flag '-x'");
  expect(() => parseCommandArgs(exec, ["--nope", "t1", "sh"])).toThrow("unknown flag '--nope'");
});

test("the master comes only from --master here (MESOS_MASTER is read elsewhere)", () => {
  expect(parseCommandArgs(exec, ["--master=h:1", "t", "sh"]).flags.master).toBe("h:1");
});
