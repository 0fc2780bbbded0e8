import { describe, expect, test } from "bun:test";
import { flag, FlagError, parseFlags } from "./flags.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const specs = {
  work_dir: flag.string("Where state lives", { required: true }),
  port: flag.int("Port to listen on", { default: 5050 }),
  ip: flag.string("Address to bind"),
  authenticate_frameworks: flag.bool("Require authentication", { default: false }),
  allocation_interval: flag.duration("Batch allocation interval", { default: 1000 }),
  role_sorter: flag.oneOf(["drf", "random"] as const)("Role sorter", { default: "drf" }),
};

describe("parseFlags", () => {
  test("parses values, defaults and booleans in all three spellings", () => {
    const { values, effective } = parseFlags(specs, ["--work_dir=/tmp/m", "--authenticate_frameworks", "--allocation_interval=250ms"], {});
    expect(values).toEqual({
      work_dir: "/tmp/m",
      port: 5050,
      ip: undefined,
      authenticate_frameworks: true,
      allocation_interval: 250,
      role_sorter: "drf",
    });
    expect(effective.port).toBe("5050");
    expect(effective.allocation_interval).toBe("250ms");
    expect(parseFlags(specs, ["--work_dir=x", "--no-authenticate_frameworks"], {}).values.authenticate_frameworks).toBe(false);
    expect(parseFlags(specs, ["--work_dir=x", "--authenticate_frameworks=false"], {}).values.authenticate_frameworks).toBe(false);
  });

  test("reads MESOS_* environment variables; the command line wins", () => {
    const env = { MESOS_WORK_DIR: "/env", MESOS_PORT: "6000" };
    expect(parseFlags(specs, [], env).values.port).toBe(6000);
    expect(parseFlags(specs, ["--port=7000"], env).values.port).toBe(7000);
    expect(parseFlags(specs, [], env).values.work_dir).toBe("/env");
  });

  test("reads file:// values", () => {
    const dir = mkdtempSync(join(tmpdir(), "flags-"));
    writeFileSync(join(dir, "ip"), "10.0.0.1\n");
    expect(parseFlags(specs, ["--work_dir=x", `--ip=file://${join(dir, "ip")}`], {}).values.ip).toBe("10.0.0.1");
  });

  test.each([
    [["--work_dir=x", "--port=abc"], "Failed to load flag 'port': expected an integer, got 'abc'"],
    [["--work_dir=x", "--bogus=1"], "unknown flag '--bogus'"],
    [["--port=1"], "Flag '--work_dir' is required"],
    [["--work_dir"], "Failed to load flag 'work_dir': missing value"],
    [["--work_dir=x", "--allocation_interval=5parsecs"], "unknown unit 'parsecs'"],
    [["--work_dir=x", "--role_sorter=fair"], "expected one of drf, random, got 'fair'"],
    [["--work_dir=x", "--authenticate_frameworks=maybe"], "expected true or false"],
    [["--work_dir=x", "--port=99999999999999999999"], "expected an integer, got '99999999999999999999' (too large)"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseFlags(specs, argv, {})).toThrow(FlagError);
    expect(() => parseFlags(specs, argv, {})).toThrow(message);
  });
});

describe("flag kinds with ranges", () => {
  const kinds = { port: flag.port("p"), count: flag.count("c"), ip: flag.ipv4("i") };
  test.each([
    ["--port=65535", "port", 65535],
    ["--port=0", "port", 0],
    ["--count=0", "count", 0],
    ["--ip=0.0.0.0", "ip", "0.0.0.0"],
    ["--ip=192.168.1.255", "ip", "192.168.1.255"],
  ])("accepts %s", (arg, name, value) => {
    expect(parseFlags(kinds, [arg], {}).values[name as keyof typeof kinds]).toBe(value as never);
  });
  test.each([
    ["--port=65536", "Failed to load flag 'port': expected a port number (0-65535), got '65536'"],
    ["--port=-5", "expected a port number (0-65535), got '-5'"],
    ["--count=-1", "Failed to load flag 'count': expected a non-negative integer, got '-1'"],
    ["--ip=999.1.1.1", "Failed to load flag 'ip': Failed to parse IPv4: '999.1.1.1' is not an IPv4 address"],
    ["--ip=not-an-ip", "Failed to parse IPv4: 'not-an-ip'"],
    ["--ip=1.2.3", "Failed to parse IPv4: '1.2.3'"],
    ["--ip=01.2.3.4", "Failed to parse IPv4: '01.2.3.4'"],
  ])("rejects %s", (arg, message) => {
    expect(() => parseFlags(kinds, [arg], {})).toThrow(message);
  });
});

test("a redacted flag's effective value hides what it holds", () => {
  const specs = {
    creds: flag.custom(
      (s) => s.length,
      undefined,
      () => "(hidden)",
    )("credentials"),
  };
  const parsed = parseFlags(specs, ["--creds=user:secret"], {});
  expect(parsed.values.creds).toBe(11);
  expect(parsed.effective.creds).toBe("(hidden)");
});
