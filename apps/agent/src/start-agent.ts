/**
 * Running an agent: the listener, the agent built in memory (create-agent.ts), and the link to the
 * master. `startAgent` is what `mesos agent` and `mesos local` call; tests call it in-process.
 */
import { serveLateBound } from "@mesos/rpc";
import type { AgentContext } from "./context.ts";
import { type AgentDeps, createAgent } from "./create-agent.ts";
import { createMasterLink, type MasterLink } from "./master-link.ts";

export interface AgentOptions extends Omit<AgentDeps, "endpoint" | "masterLink"> {
  /** Called when the master refuses this agent for good (e.g. it was marked gone). */
  onFatal?(reason: string): void;
}

export interface RunningAgent {
  ctx: AgentContext;
  url: string;
  port: number;
  /** Resolves once registered with the master (the first time). */
  registered: Promise<string>;
  stop(): Promise<void>;
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { flags } = options;
  const http = serveLateBound({ hostname: flags.ip, port: flags.port, name: "Agent" });
  const endpoint = `http://${flags.advertise_ip ?? flags.ip}:${flags.advertise_port ?? http.port}`;
  let link: MasterLink | undefined;
  let agent;
  try {
    agent = await createAgent({ ...options, endpoint, masterLink: { send: (message) => link?.send(message) ?? false } });
  } catch (e) {
    await http.stop(true);
    throw e;
  }
  const { ctx } = agent;
  http.attach(agent.app.fetch);

  let resolveRegistered!: (id: string) => void;
  const registered = new Promise<string>((r) => (resolveRegistered = r));
  let stopped = false;
  link = createMasterLink({
    master: flags.master,
    clock: ctx.clock,
    log: ctx.log,
    backoffFactorMs: flags.registration_backoff_factor,
    attachRequest: agent.attachRequest,
    onRegistered: (r) => {
      agent.registered(r);
      resolveRegistered(r.agentId!.value);
    },
    onMessage: agent.receive,
    onDisconnected: () => ctx.log.warn("Disconnected from the master"),
    onRefused: (reason) => {
      ctx.log.error(`The master shut this agent down: ${reason}; killing its tasks`);
      void agent.shutdown().finally(() => options.onFatal?.(reason));
    },
  });
  // As Mesos's agent (slave.cpp's __recover): it looks for the master once recovery is over, so
  // that its executors are back before the master's kills and messages for them arrive.
  void agent.recovered.then(() => {
    if (!stopped) link.start();
  });
  ctx.log.info(`Agent listening on ${endpoint} with resources ${ctx.total}`);

  return {
    ctx,
    url: endpoint,
    port: http.port,
    registered,
    async stop() {
      stopped = true;
      link.stop();
      await http.stop(true);
      await agent.stop();
    },
  };
}
