/**
 * Mesos-style command-line flags: `--name=value`, booleans as `--name`, `--no-name` or `--name=false`,
 * and every flag also from the environment as `MESOS_NAME`. A value `file:///path` is read from that
 * file, as Mesos allows. Any problem is a FlagError naming the flag, so a process can stop at start-up
 * with a clear message.
 */
import { readFileSync } from "node:fs";
import { parseBytes, parseDuration, formatBytes, formatDuration } from "./units.ts";

export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FlagError";
  }
}

export interface FlagDef<T, Optional extends boolean> {
  readonly help: string;
  readonly parse: (raw: string) => T;
  readonly format: (value: T) => string;
  readonly isBoolean: boolean;
  /** What the effective flags (GET_FLAGS, /flags) show instead of the given value, for values holding secrets. */
  readonly redact?: (raw: string) => string;
  readonly default?: T;
  readonly required?: boolean;
  /** Phantom marker: whether the parsed value may be undefined. */
  readonly optional?: Optional;
}

// biome-ignore lint: the flag table is heterogeneous by design
export type AnyFlagDef = FlagDef<any, boolean>;
export type FlagSpecs = Record<string, AnyFlagDef>;

export type FlagValues<S extends FlagSpecs> = {
  [K in keyof S]: S[K] extends FlagDef<infer T, infer O> ? (O extends true ? T | undefined : T) : never;
};

interface KindOptions<T> {
  parse: (raw: string) => T;
  format?: (value: T) => string;
  isBoolean?: boolean;
  redact?: (raw: string) => string;
}

/** Makes a builder for one kind of flag: `(help)` is optional, `(help, {default})` or `(help, {required})` is not. */
function kind<T>(k: KindOptions<T>) {
  function build(help: string): FlagDef<T, true>;
  function build(help: string, options: { default: T } | { required: true }): FlagDef<T, false>;
  function build(help: string, options?: { default?: T; required?: boolean }): AnyFlagDef {
    return {
      help,
      parse: k.parse,
      format: k.format ?? ((v: T) => String(v)),
      isBoolean: k.isBoolean ?? false,
      redact: k.redact,
      default: options?.default,
      required: options?.required,
    };
  }
  return build;
}

function parseBool(raw: string): boolean {
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new Error(`expected true or false, got '${raw}'`);
}

function parseInteger(raw: string): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new Error(`expected an integer, got '${raw}'`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`expected an integer, got '${raw}' (too large)`);
  return n;
}

/** A count (Mesos's size_t flags): no sign. */
function parseCount(raw: string): number {
  const n = parseInteger(raw);
  if (n < 0) throw new Error(`expected a non-negative integer, got '${raw}'`);
  return n;
}

function parsePort(raw: string): number {
  const n = parseInteger(raw);
  if (n < 0 || n > 65535) throw new Error(`expected a port number (0-65535), got '${raw}'`);
  return n;
}

/** An IPv4 address in dotted form, as Mesos's `--ip` takes (inet_pton). */
function parseIPv4(raw: string): string {
  const parts = raw.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255)) {
    throw new Error(`Failed to parse IPv4: '${raw}' is not an IPv4 address`);
  }
  return raw;
}

function parseNumber(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) throw new Error(`expected a number, got '${raw}'`);
  return n;
}

function fixedParser<T>(parse: (raw: string) => T, format: (v: T) => string, supported: T, why: string): (raw: string) => T {
  return (raw) => {
    const value = parse(raw);
    if (format(value) !== format(supported)) throw new Error(`only '${format(supported)}' is supported: ${why}`);
    return value;
  };
}

export const flag = {
  string: kind<string>({ parse: (s) => s }),
  int: kind<number>({ parse: parseInteger }),
  /** A non-negative integer. */
  count: kind<number>({ parse: parseCount }),
  port: kind<number>({ parse: parsePort }),
  /** An IPv4 address. */
  ipv4: kind<string>({ parse: parseIPv4 }),
  number: kind<number>({ parse: parseNumber }),
  bool: kind<boolean>({ parse: parseBool, isBoolean: true }),
  /** Milliseconds. */
  duration: kind<number>({ parse: parseDuration, format: formatDuration }),
  /** Bytes. */
  bytes: kind<number>({ parse: parseBytes, format: formatBytes }),
  /** A flag with its own parser (resources, ranges, lists...); `redact` hides secrets it may hold from the effective flags. */
  custom<T>(parse: (raw: string) => T, format?: (value: T) => string, redact?: (raw: string) => string) {
    return kind<T>({ parse, format, redact });
  },
  /**
   * A Mesos flag whose default is the only behaviour this build has (authentication off, the
   * registry's timeouts, ...): it is listed with that value in `/flags` and GET_FLAGS as Mesos lists
   * it, and any other value stops start-up saying why.
   */
  fixedBool: (supported: boolean, why: string) => kind<boolean>({ parse: fixedParser(parseBool, String, supported, why), isBoolean: true }),
  fixedString: (supported: string, why: string) => kind<string>({ parse: fixedParser((s) => s, String, supported, why) }),
  fixedCount: (supported: number, why: string) => kind<number>({ parse: fixedParser(parseCount, String, supported, why) }),
  fixedDuration: (supported: number, why: string) =>
    kind<number>({ parse: fixedParser(parseDuration, formatDuration, supported, why), format: formatDuration }),
  /**
   * Mesos's --logging_level: INFO, WARNING or ERROR (Mesos's default is INFO), in any case; DEBUG
   * too, below INFO. The value is kept as given.
   */
  logLevel: kind<string>({
    parse: (raw) => {
      if (!["DEBUG", "INFO", "WARNING", "ERROR"].includes(raw.toUpperCase())) {
        throw new Error(`'${raw}' is not a valid logging level. Possible values for 'logging_level' flag are: 'INFO', 'WARNING', 'ERROR'.`);
      }
      return raw;
    },
  }),
  oneOf<const V extends string>(values: readonly V[]) {
    return kind<V>({
      parse: (raw) => {
        if (!(values as readonly string[]).includes(raw)) {
          throw new Error(`expected one of ${values.join(", ")}, got '${raw}'`);
        }
        return raw as V;
      },
    });
  },
};

export interface ParsedFlags<S extends FlagSpecs> {
  values: FlagValues<S>;
  /** Every flag with its effective value as text (what `/flags` shows); unset optional flags are absent. */
  effective: Record<string, string>;
  /** Positional arguments (anything not starting with `--`). */
  positional: string[];
}

function resolveFileValue(name: string, raw: string): string {
  if (!raw.startsWith("file://")) return raw;
  const path = raw.slice("file://".length);
  try {
    return readFileSync(path, "utf8").trim();
  } catch (e) {
    throw new FlagError(`Failed to load flag '${name}': cannot read '${path}': ${(e as Error).message}`);
  }
}

/**
 * Parses argv (without the program and verb) and environment. The command line wins over the
 * environment; unknown command-line flags are errors, unknown MESOS_* variables are ignored.
 */
export function parseFlags<S extends FlagSpecs>(
  specs: S,
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
  options: { envPrefix?: string } = {},
): ParsedFlags<S> {
  const prefix = options.envPrefix ?? "MESOS_";
  const raw = new Map<string, string>();
  const positional: string[] = [];

  for (const [name] of Object.entries(specs)) {
    const fromEnv = env[prefix + name.toUpperCase()];
    if (fromEnv !== undefined) raw.set(name, fromEnv);
  }

  for (const arg of argv) {
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    let spec = specs[name];
    if (!spec && value === undefined && name.startsWith("no-") && specs[name.slice(3)]?.isBoolean) {
      name = name.slice(3);
      spec = specs[name];
      value = "false";
    }
    if (!spec) throw new FlagError(`Failed to load flags: unknown flag '--${name}'`);
    if (value === undefined) {
      if (!spec.isBoolean) throw new FlagError(`Failed to load flag '${name}': missing value (use --${name}=VALUE)`);
      value = "true";
    }
    raw.set(name, value);
  }

  const values: Record<string, unknown> = {};
  const effective: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const given = raw.get(name);
    if (given === undefined) {
      if (spec.required) throw new FlagError(`Flag '--${name}' is required but it was not provided`);
      values[name] = spec.default;
      if (spec.default !== undefined) effective[name] = spec.format(spec.default);
      continue;
    }
    try {
      values[name] = spec.parse(resolveFileValue(name, given));
    } catch (e) {
      if (e instanceof FlagError) throw e;
      throw new FlagError(`Failed to load flag '${name}': ${(e as Error).message}`);
    }
    effective[name] = spec.redact ? spec.redact(given) : given;
  }
  return { values: values as FlagValues<S>, effective, positional };
}

/** A usage text listing every flag with its help and default. */
export function formatUsage(verb: string, specs: FlagSpecs): string {
  const lines = [`Usage: mesos ${verb} [options]`, ""];
  for (const [name, spec] of Object.entries(specs).sort(([a], [b]) => a.localeCompare(b))) {
    const def = spec.default !== undefined ? ` (default: ${spec.format(spec.default)})` : spec.required ? " (required)" : "";
    lines.push(`  --${name}${spec.isBoolean ? "" : "=VALUE"}`);
    lines.push(`      ${spec.help}${def}`);
  }
  return lines.join("\n");
}
