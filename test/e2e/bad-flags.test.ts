/** A malformed flag or resource string stops the process at start-up with a message naming it. */
import { expect, test } from "bun:test";
import { tempDir } from "../support/cluster.ts";
import { runMesos } from "../support/binary.ts";

test.each([
  [["master", "--port=abc", "--registry=in_memory"], "Failed to load flag 'port': expected an integer, got 'abc'"],
  [["master", "--registry=in_memory", "--allocation_interval=fast"], "Failed to load flag 'allocation_interval'"],
  [["master", "--registry=in_memory", "--min_allocatable_resources=cpus:-1"], "Bad resource quantity 'cpus:-1'"],
  [["master", "--bogus=1"], "unknown flag '--bogus'"],
  [["master"], "'--work_dir' is required"],
  [["agent", "--work_dir=/tmp/x"], "Flag '--master' is required"],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--resources=cpus:abc"], "Bad value for resource 'cpus:abc'"],
  [["agent", "--master=nowhere", "--work_dir=WORK"], "Flag '--master' must be HOST:PORT"],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--launcher=docker"], "expected one of linux, posix"],
  [["execute", "--master=127.0.0.1:1", "--name=x", "--command=true", "--resources=cpus:1;;mem:x"], "Bad value for resource 'mem:x'"],
])("mesos %j fails with a clear message", async (args, message) => {
  const work = tempDir("bad-flags");
  const r = await runMesos(args.map((a) => a.replace("WORK", work)));
  // Daemons exit 1; the CLI's verbs exit 64 (EX_USAGE) for bad input.
  expect(r.code).toBe(args[0] === "execute" ? 64 : 1);
  expect(r.stderr).toContain(message);
});

test("an unknown verb lists the verbs", async () => {
  const r = await runMesos(["fly"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("Unknown verb 'fly'");
  expect(r.stderr).toContain("execute");
});
