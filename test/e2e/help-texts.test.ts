/**
 * The help says only what exists: every verb `mesos --help` lists, and every command a verb's
 * `--help` lists, answers its own `--help` (exit 0, a usage line naming it).
 */
import { expect, test } from "bun:test";
import { runMesos } from "../support/binary.ts";

/** The names in the indented two-column list that follows `heading` (or the first such list). */
function listed(help: string, heading?: RegExp): string[] {
  const lines = help.split("\n");
  const start = heading ? lines.findIndex((l) => heading.test(l)) + 1 : 0;
  const names: string[] = [];
  for (const line of lines.slice(start)) {
    const m = line.match(/^ {2}([a-z][a-z-]*)\s+\S/);
    if (m) names.push(m[1]!);
    else if (names.length > 0 && line.trim() === "") break;
  }
  return names;
}

test("every verb mesos --help lists answers --help", async () => {
  const top = await runMesos(["--help"]);
  expect(top.code).toBe(0);
  const verbs = listed(top.stdout);
  expect(verbs).toEqual(expect.arrayContaining(["master", "agent", "local", "execute", "task"]));
  for (const verb of verbs) {
    const r = await runMesos([verb, "--help"]);
    expect({ verb, code: r.code }).toEqual({ verb, code: 0 });
    expect(r.stdout).toContain(`mesos ${verb}`);
  }
});

test.each(["task", "maintenance"])("every command `mesos %s --help` lists answers --help", async (verb) => {
  const help = await runMesos([verb, "--help"]);
  const commands = listed(help.stdout, /^Commands:/);
  expect(commands.length).toBeGreaterThan(0);
  for (const command of commands) {
    const r = await runMesos([verb, command, "--help"]);
    expect({ command, code: r.code }).toEqual({ command, code: 0 });
    expect(r.stdout).toContain(`mesos ${verb} ${command}`);
  }
});
