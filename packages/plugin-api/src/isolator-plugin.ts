/**
 * A built-in isolator packaged so that it runs either way: in the agent's process (the agent
 * builds it from its own flags) or out of process (`mesos isolator serve NAME --socket=PATH
 * [flags]` builds it from the same flags and serves it over `mesos.isolator.v1`, which the agent
 * reaches through `--isolator_plugins`). One definition, one set of flags, one factory.
 */
import type { Clock, FlagSpecs, FlagValues, Logger } from "@mesos/core";
import type { Isolator } from "./isolator.ts";

export interface IsolatorPluginDeps {
  log: Logger;
  clock: Clock;
  /**
   * What only the agent's process knows: absent out of process, where the isolator must check
   * what it needs for itself (per container, if it cannot at start-up).
   */
  agent?: {
    launcher: "linux" | "posix";
    /** `--isolation`, split. */
    isolation: readonly string[];
  };
}

export interface IsolatorPlugin<Own extends FlagSpecs = FlagSpecs, Agent extends FlagSpecs = FlagSpecs> {
  /** As `--isolation` names it. */
  name: string;
  /** One line for `mesos isolator list`. */
  summary: string;
  /** Its own flags, carried by `mesos agent` too, with Mesos's names. */
  flags: Own;
  /** Agent flags it reads (e.g. `--resources`), which `mesos isolator serve` accepts as well. */
  agentFlags: Agent;
  /** Throws (a MesosError saying why) when it cannot work here: the agent or the server stops. */
  create(flags: FlagValues<Own> & FlagValues<Agent>, deps: IsolatorPluginDeps): Isolator | Promise<Isolator>;
}

/** Keeps the flag types of a definition (`satisfies` would widen them). */
export function defineIsolatorPlugin<Own extends FlagSpecs, Agent extends FlagSpecs>(plugin: IsolatorPlugin<Own, Agent>): IsolatorPlugin<Own, Agent> {
  return plugin;
}
