/**
 * How a CLI command is declared: its name, arguments and flags (Mesos-style `--name=value`, plus
 * single-letter aliases like `-i`), one help text made from that declaration, and everything after
 * `--` passed through untouched (the command of `task exec`).
 */
import { FlagError, type FlagSpecs, type FlagValues, flag, parseFlags } from "@mesos/core";

const commonFlags = {
  master: flag.string("The master, as HOST:PORT or a URL (default: $MESOS_MASTER, then the CLI config file, then 127.0.0.1:5050)"),
};

export interface Command<S extends FlagSpecs> {
  name: string;
  /** e.g. `TASK [--no-stdin]`, shown after the command's name. */
  args: string;
  summary: string;
  /** Extra paragraphs for `--help`. */
  details?: string;
  flags: S;
  /** Single-letter aliases: `{ i: "interactive" }` makes `-i` mean `--interactive` (and `-it` both). */
  short?: Record<string, keyof S & string>;
  /** After this many positional arguments the rest of the line is passed through as if after `--`. */
  stopAfterPositionals?: number;
  run(input: { flags: FlagValues<S & typeof commonFlags>; args: string[]; rest: string[] }): Promise<number>;
}

// biome-ignore lint: a table of commands with different flag specs
export type AnyCommand = Command<any>;

export function defineCommand<S extends FlagSpecs>(c: Command<S>): Command<S> {
  return c;
}

interface ParsedArgs<S extends FlagSpecs> {
  flags: FlagValues<S>;
  args: string[];
  /** Everything after `--`. */
  rest: string[];
}

/** The command's own arguments and what is passed through (after `--`, or after the last positional it takes). */
export function splitArgs(command: AnyCommand, argv: readonly string[]): { own: readonly string[]; rest: string[] } {
  let split = argv.indexOf("--");
  let skip = 1;
  if (command.stopAfterPositionals !== undefined) {
    let seen = 0;
    const at = argv.findIndex((a, i) => (split === -1 || i < split) && !a.startsWith("-") && ++seen > command.stopAfterPositionals!);
    if (at !== -1) [split, skip] = [at, 0];
  }
  return { own: split === -1 ? argv : argv.slice(0, split), rest: split === -1 ? [] : argv.slice(split + skip) };
}

/** Parses a command's argv; flags from the environment are not read here (only `MESOS_MASTER`, elsewhere). */
export function parseCommandArgs<S extends FlagSpecs>(command: Command<S>, argv: readonly string[]): ParsedArgs<S & typeof commonFlags> {
  const { own, rest } = splitArgs(command, argv);
  const expanded: string[] = [];
  for (const arg of own) {
    if (/^-[A-Za-z]+$/.test(arg)) {
      for (const letter of arg.slice(1)) {
        const name = command.short?.[letter];
        if (!name) throw new FlagError(`Failed to load flags: unknown flag '-${letter}'`);
        expanded.push(`--${name}`);
      }
    } else {
      expanded.push(arg);
    }
  }
  const specs = { ...commonFlags, ...command.flags } as S & typeof commonFlags;
  const parsed = parseFlags(specs, expanded, {});
  return { flags: parsed.values, args: parsed.positional, rest };
}

export function commandHelp(group: string, command: AnyCommand): string {
  const specs: FlagSpecs = { ...command.flags, ...commonFlags };
  const aliases = new Map(Object.entries(command.short ?? {}).map(([letter, name]) => [name, letter]));
  const lines = [`Usage: mesos ${group} ${command.name}${command.args ? ` ${command.args}` : ""} [--master=HOST:PORT]`, "", command.summary];
  if (command.details) lines.push("", command.details);
  lines.push("", "Options:");
  for (const [name, spec] of Object.entries(specs)) {
    const alias = aliases.get(name);
    const def = spec.default !== undefined && !spec.isBoolean ? ` (default: ${spec.format(spec.default)})` : "";
    lines.push(`  ${alias ? `-${alias}, ` : ""}--${name}${spec.isBoolean ? "" : "=VALUE"}`, `      ${spec.help}${def}`);
  }
  return lines.join("\n");
}

export function groupHelp(group: string, summary: string, commands: AnyCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Usage: mesos ${group} <command> [options]`,
    "",
    summary,
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Run 'mesos ${group} <command> --help' for a command's options.`,
  ].join("\n");
}
