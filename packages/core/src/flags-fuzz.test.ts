/**
 * Property-based fuzzing of the flag parser: any argv and environment either parses or fails with a
 * FlagError (the message a daemon prints before it stops); valid values survive format -> parse.
 */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { flag, FlagError, parseFlags } from "./flags.ts";
import { fuzzRuns } from "./random.ts";
import { parseResources } from "./resources/index.ts";

const RUNS = fuzzRuns();
const TIMEOUT = Math.max(60_000, RUNS / 10);

const specs = {
  work_dir: flag.string("state", { required: true }),
  ip: flag.ipv4("address", { default: "127.0.0.1" }),
  port: flag.port("port", { default: 5050 }),
  count: flag.count("count", { default: 5 }),
  delta: flag.int("delta"),
  ratio: flag.number("ratio"),
  strict: flag.bool("strict", { default: true }),
  interval: flag.duration("interval", { default: 1000 }),
  size: flag.bytes("size"),
  sorter: flag.oneOf(["drf", "random"] as const)("sorter", { default: "drf" }),
  resources: flag.custom((s) => parseResources(s).toString())("resources"),
};
const names = Object.keys(specs);

const values = [
  "",
  "0",
  "1",
  "-1",
  "65535",
  "65536",
  "1.5",
  "1e3",
  "abc",
  "true",
  "false",
  "1secs",
  "10ms",
  "0.5mins",
  "3weeks",
  "1000weeks",
  "99999999999weeks",
  "32MB",
  "1GB",
  "17EB",
  "12",
  "drf",
  "random",
  "127.0.0.1",
  "999.1.1.1",
  "01.2.3.4",
  "::1",
  "cpus:1;mem:32",
  "cpus:-1",
  "ports:[5-1]",
  "file:///nonexistent",
  "file://",
  "9007199254740993",
  " ",
  "\u0000",
];
const value = fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 16 }));
const argument = fc.oneof(
  fc.tuple(fc.constantFrom(...names, "bogus", "no-strict", "no-port", ""), value).map(([n, v]) => `--${n}=${v}`),
  fc.constantFrom(...names, "no-strict", "help").map((n) => `--${n}`),
  fc.string({ maxLength: 12 }),
);
const env = fc.dictionary(fc.constantFrom(...names.map((n) => `MESOS_${n.toUpperCase()}`), "MESOS_BOGUS", "PATH"), value, { maxKeys: 4 });

test(
  "any argv and environment parse or fail with a FlagError",
  () => {
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 8 }), env, (argv, environment) => {
        try {
          parseFlags(specs, argv, environment);
        } catch (e) {
          if (!(e instanceof FlagError)) throw e;
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

test(
  "valid values parse, and their formatted text parses to the same values",
  () => {
    const valid = fc.record({
      ip: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join(".")),
      port: fc.nat(65535).map(String),
      count: fc.nat(1_000_000).map(String),
      interval: fc.tuple(fc.nat(10_000), fc.constantFrom("ms", "secs", "mins", "hrs", "days")).map(([n, u]) => `${n}${u}`),
      size: fc.tuple(fc.nat(10_000), fc.constantFrom("B", "KB", "MB", "GB")).map(([n, u]) => `${n}${u}`),
      strict: fc.constantFrom("true", "false", "1", "0"),
    });
    fc.assert(
      fc.property(valid, (v) => {
        const argv = ["--work_dir=/w", ...Object.entries(v).map(([n, x]) => `--${n}=${x}`)];
        const first = parseFlags(specs, argv, {});
        const formatted = Object.entries(first.values)
          .filter(([, x]) => x !== undefined)
          .map(([n, x]) => `--${n}=${specs[n as keyof typeof specs].format(x as never)}`);
        const again = parseFlags(specs, formatted, {});
        // A duration prints as Mesos prints it, with 15 significant digits ("1.00595238095238weeks"
        // for 169hrs): it comes back as near as that.
        const { interval, ...rest } = again.values;
        const { interval: firstInterval, ...firstRest } = first.values;
        expect(rest).toEqual(firstRest);
        expect(Math.abs(interval - firstInterval)).toBeLessThanOrEqual(firstInterval * 1e-14);
      }),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);
