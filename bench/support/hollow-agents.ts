/**
 * Many hollow agents in one process: each is the real agent (`createAgent`: registration and
 * re-registration through its own master link, the status update manager with its checkpoints,
 * kills, operations), with its own agent id, flags and store, and the hollow containerizer in
 * place of the Mesos one. State is in memory (`:memory:` stores) or on disk (a work dir each).
 * They listen on no port: the master reaches them over their links, as it does real agents.
 */
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { type Agent, agentFlagSpecs, createAgent, createAgentStore, createMasterLink, type MasterLink } from "@mesos/agent";
import { type Clock, type Logger, parseFlags, silentLogger, systemClock } from "@mesos/core";
import { AGENT_LINK_PATH, type LinkDialer, toBaseUrl, webSocketDialer } from "@mesos/rpc";
import { harnessAllocatorEnv } from "./harness-env.ts";
import { createHollowContainerizer } from "./hollow-containerizer.ts";

export interface HollowAgentsOptions {
  /** The master, HOST:PORT. */
  master: string;
  count: number;
  /** Each agent's --resources. */
  resources: string;
  state: "memory" | "disk";
  /** Where the agents' work dirs (sandboxes; checkpoints with state=disk) go. */
  workDir: string;
  /** How long a task whose command is not `sleep N` runs (default: until killed). */
  defaultDurationMs?: number;
  /** Mesos's random registration delay, doubled per retry: spreads a crowd of agents out. */
  registrationBackoffMs?: number;
  /** Agent i advertises hostname `${prefix}-${i}`. */
  prefix?: string;
  attributes?: (i: number) => string | undefined;
  clock?: Clock;
  log?: Logger;
  /** How links reach the master (default: a WebSocket to `master`); benches that measure the agent alone link it in memory. */
  dial?: LinkDialer;
}

export interface HollowAgent {
  index: number;
  agent: Agent;
  link: MasterLink;
  /** The agent id once registered. */
  id?: string;
  registrations: number;
  /** Since its link to the master last dropped: when (performance.now()), and the Attach attempts made. */
  lost?: { at: number; attempts: number; lastAttemptAt: number };
  /** The last time it came back after losing the master. */
  recovery?: Recovery;
}

/** One agent's way back to a master (ms): from the drop to the attempt that worked, and that attempt's answer. */
export interface Recovery {
  /** When it came back (performance.now()). */
  at: number;
  /** From the link dropping to the start of the Attach that worked (backoff and failed attempts). */
  waitMs: number;
  /** From that Attach's start to the master's Registered (the master's work and its queue). */
  answerMs: number;
  attempts: number;
}

export interface HollowAgents {
  agents: HollowAgent[];
  /** How many are attached to a master right now. */
  connected(): number;
  /** Total (re-)registrations so far. */
  registrations(): number;
  stop(): void;
}

export async function startHollowAgents(o: HollowAgentsOptions): Promise<HollowAgents> {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? silentLogger;
  const prefix = o.prefix ?? "hollow";
  // Each link is its own WebSocket to the master, unless the caller dials otherwise.
  const dial = o.dial ?? webSocketDialer(`${toBaseUrl(o.master).replace(/^http/, "ws")}${AGENT_LINK_PATH}`);
  const agents: HollowAgent[] = [];
  // Counted as links attach and drop: polling every agent's link (a bench checks ten times a second) cost 4% of this process's CPU.
  let connected = 0;
  for (let i = 0; i < o.count; i++) {
    const workDir = join(o.workDir, `agent-${i}`);
    mkdirSync(workDir, { recursive: true });
    const hostname = `${prefix}-${i}`;
    const attributes = o.attributes?.(i);
    const { values, effective } = parseFlags(
      agentFlagSpecs,
      [
        `--master=${o.master}`,
        `--work_dir=${workDir}`,
        `--hostname=${hostname}`,
        `--resources=${o.resources}`,
        `--registration_backoff_factor=${o.registrationBackoffMs ?? 1000}ms`,
        ...(attributes ? [`--attributes=${attributes}`] : []),
      ],
      {},
    );
    let link: MasterLink | undefined;
    const agent = await createAgent({
      flags: values,
      effectiveFlags: effective,
      clock,
      log,
      endpoint: `http://${hostname}:5051`,
      store: createAgentStore(o.state === "memory" ? ":memory:" : join(workDir, "meta", "agent.db")),
      containerizer: createHollowContainerizer({ clock, defaultDurationMs: o.defaultDurationMs }),
      masterLink: { send: (message) => link?.send(message) ?? false },
    });
    const hollow: HollowAgent = { index: i, agent, link: undefined as unknown as MasterLink, registrations: 0 };
    // The link's dialer notes when each attempt starts.
    const timed: LinkDialer = (listener) => {
      if (hollow.lost) {
        hollow.lost.attempts++;
        hollow.lost.lastAttemptAt = performance.now();
      }
      return dial(listener);
    };
    link = createMasterLink({
      master: o.master,
      transport: timed,
      clock,
      log,
      backoffFactorMs: values.registration_backoff_factor,
      attachRequest: agent.attachRequest,
      onRegistered: (r) => {
        const lost = hollow.lost;
        if (lost) {
          const at = performance.now();
          hollow.recovery = { at, waitMs: lost.lastAttemptAt - lost.at, answerMs: at - lost.lastAttemptAt, attempts: lost.attempts };
          hollow.lost = undefined;
        }
        hollow.id = r.agentId!.value;
        hollow.registrations++;
        connected++;
        agent.registered(r);
      },
      onMessage: agent.receive,
      onDisconnected: () => {
        connected--;
        const at = performance.now();
        hollow.lost = { at, attempts: 0, lastAttemptAt: at };
      },
      onRefused: (reason) => log.warn(`Hollow agent ${hostname} refused: ${reason}`),
    });
    hollow.link = link;
    link.start();
    agents.push(hollow);
  }
  return {
    agents,
    connected: () => connected,
    registrations: () => agents.reduce((n, a) => n + a.registrations, 0),
    stop() {
      for (const a of agents) {
        a.link.stop();
        a.agent.stop();
      }
    },
  };
}

/**
 * Bun lets a process have 512 fetches in flight (the hollow agents' links are WebSockets, not
 * fetches, since the link moved off Connect; a bench's own streams and readers still count). A
 * bench calls this first: it runs itself again with the limit raised (and HARNESS_ALLOCATOR_ENV,
 * unless its variables are set already) and returns false in the parent (which should just wait
 * for the child's exit code).
 */
export async function ensureManyFetches(): Promise<boolean> {
  if (process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) return true;
  const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
    stdio: ["inherit", "inherit", "inherit"],
    env: { ...harnessAllocatorEnv(), ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  process.exitCode = await child.exited;
  return false;
}
