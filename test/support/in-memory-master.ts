/**
 * A master built in memory (`createMaster`): a `:memory:` registry unless given one, no socket.
 * Tests reach its HTTP API with `master.request(path, init)` (hono's `app.request`), its Connect
 * services through `master.transport` (Connect's router transport, with the guard stage), and can
 * attach agents built in memory too (`attachInMemoryAgent`): the real agent code with a simulated
 * containerizer, its link joined to the master's in memory (`master.agentLinks`), so registration,
 * offers, launches and status updates go through the master's real handlers.
 */
import type { Transport } from "@connectrpc/connect";
import { type Agent, agentFlagSpecs, createAgent, createAgentStore, createMasterLink, type MasterLink } from "@mesos/agent";
import { type Clock, type Logger, parseFlags } from "@mesos/core";
import { createMaster, type Leadership, type Master, masterFlagSpecs, openSqliteRegistry, type RegistryStore } from "@mesos/master";
import { createInMemoryTransport, inMemoryDialer, type LinkDialer } from "@mesos/rpc";
import { tempDir, testLogger } from "./cluster.ts";
import { createSimulatedContainerizer } from "./simulated-containerizer.ts";

/** What URLs of the in-memory master look like (only the path reaches it). */
const IN_MEMORY_URL = "http://in-memory:5050";

export interface InMemoryMaster extends Master {
  registry: RegistryStore;
  transport: Transport;
  /** Dials the master's agent link without a socket. */
  agentLinks: LinkDialer;
  /** `POST`s and `GET`s to the master's HTTP API: a path (or a full URL), as fetch takes them. */
  request(path: string, init?: RequestInit): Promise<Response>;
}

export interface InMemoryMasterOptions {
  flags?: string[];
  clock?: Clock;
  /** Default: `:memory:`, closed with the master (a registry given is the caller's to close). */
  registry?: RegistryStore;
  leader?: Leadership["leader"];
  /** Run the allocation loop (default); without it only `allocateNow()` makes offers. */
  loops?: boolean;
  /** Default: the tests' logger (silent unless MESOS_TEST_LOG is set). */
  log?: Logger;
}

export async function createInMemoryMaster(cleanup: (fn: () => unknown) => void, options: InMemoryMasterOptions = {}): Promise<InMemoryMaster> {
  const { values, effective } = parseFlags(masterFlagSpecs, ["--registry=in_memory", "--port=5050", ...(options.flags ?? [])], {});
  const registry = options.registry ?? openSqliteRegistry(":memory:");
  const master = await createMaster({
    flags: values,
    effectiveFlags: effective,
    clock: options.clock,
    log: options.log ?? testLogger("master"),
    registry,
    leadership: options.leader ? { leader: options.leader } : undefined,
  });
  if (options.loops !== false) master.startLoops();
  cleanup(() => {
    master.stop();
    if (!options.registry) registry.close();
  });
  return {
    ...master,
    registry,
    transport: createInMemoryTransport(master.connect),
    agentLinks: inMemoryDialer(master.acceptAgentLink),
    request: async (path, init) => master.app.request(path.startsWith("http") ? path : `${IN_MEMORY_URL}${path}`, init),
  };
}

export interface LinkedAgent {
  agent: Agent;
  link: MasterLink;
  containerizer: ReturnType<typeof createSimulatedContainerizer>;
  /** Resolves with the agent id once the master registered it. */
  registered: Promise<string>;
}

/**
 * An agent built in memory with a simulated containerizer (tasks "run" at once and end when the
 * test says so), registered with `master` over an in-memory link.
 */
export async function attachInMemoryAgent(
  master: InMemoryMaster,
  cleanup: (fn: () => unknown) => void,
  options: {
    flags?: string[];
    clock?: Clock;
    endpoint?: string;
    onRefused?: (reason: string) => void;
    /** Stands between the agent and the master's link (to drop or change frames). */
    wrapLink?: (dial: LinkDialer) => LinkDialer;
  } = {},
): Promise<LinkedAgent> {
  const argv = [
    "--master=in-memory:5050",
    `--work_dir=${tempDir("agent")}`,
    "--registration_backoff_factor=1ms",
    "--resources=cpus:4;mem:4096;disk:10000;ports:[31000-32000]",
    ...(options.flags ?? []),
  ];
  const { values, effective } = parseFlags(agentFlagSpecs, argv, {});
  const containerizer = createSimulatedContainerizer();
  let link: MasterLink | undefined;
  const agent = await createAgent({
    flags: values,
    effectiveFlags: effective,
    clock: options.clock,
    log: testLogger("agent"),
    endpoint: options.endpoint ?? "http://127.0.0.1:5051",
    store: createAgentStore(":memory:"),
    containerizer: containerizer.containerizer,
    masterLink: { send: (message) => link?.send(message) ?? false },
  });
  let resolveRegistered!: (id: string) => void;
  const registered = new Promise<string>((resolve) => (resolveRegistered = resolve));
  link = createMasterLink({
    master: values.master,
    transport: options.wrapLink ? options.wrapLink(master.agentLinks) : master.agentLinks,
    clock: agent.ctx.clock,
    log: agent.ctx.log,
    backoffFactorMs: values.registration_backoff_factor,
    attachRequest: agent.attachRequest,
    onRegistered: (r) => {
      agent.registered(r);
      resolveRegistered(r.agentId!.value);
    },
    onMessage: agent.receive,
    onDisconnected: () => {},
    onRefused: (reason) => void agent.shutdown().finally(() => options.onRefused?.(reason)),
  });
  link.start();
  cleanup(() => {
    link.stop();
    agent.stop();
  });
  return { agent, link, containerizer, registered };
}
