/**
 * An agent built in memory (`createAgent`): no listener, no master. Its checkpoints are in a
 * `:memory:` store unless given one; what it sends the master is recorded in
 * `sent`, and `fromMaster` hands it what a master would send. Tests talk to its API with
 * `agent.app.request()` or Connect's router transport (`createInMemoryTransport(agent.connect)`).
 */
import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import {
  type Agent,
  type AgentStore,
  agentFlagSpecs,
  agentMessage,
  type Containerizer,
  createAgent,
  createAgentStore,
  type IsolatorFactory,
  type OutgoingAgentMessage,
} from "@mesos/agent";
import { type Clock, parseFlags } from "@mesos/core";
import { AgentIDSchema, internal } from "@mesos/proto";
import { LAUNCH_HELPER_COMMAND, tempDir, testLogger } from "./cluster.ts";

export interface InMemoryAgentOptions {
  flags?: string[];
  workDir?: string;
  clock?: Clock;
  containerizer?: Containerizer;
  isolators?: Record<string, IsolatorFactory>;
  /** How to run `mesos __launch` (default: from source). */
  launchHelperCommand?: string[];
  /** The checkpoints (default: a `:memory:` store). */
  store?: AgentStore;
  /** Acknowledge every status update as a framework would (the agent sends a task's next one only then). */
  acknowledge?: boolean;
  /** Whether the link to the master is up (default: always); while it is down sends fail, as a real link's do. */
  linkUp?: () => boolean;
}

export interface InMemoryAgent extends Agent {
  /** Everything the agent sent the master, in order. */
  sent: internal.AgentMessage["message"][];
  /** Delivers a message as the master would (`registered` also registers the agent). */
  fromMaster(message: MessageInitShape<typeof internal.MasterMessageSchema>["message"]): void;
}

export const TEST_AGENT_ID = "in-memory-S0";

export async function createInMemoryAgent(options: InMemoryAgentOptions = {}): Promise<InMemoryAgent> {
  const argv = [
    "--master=127.0.0.1:5050",
    `--work_dir=${options.workDir ?? tempDir("agent")}`,
    "--port=5051",
    "--ip=127.0.0.1",
    "--resources=cpus:4;mem:4096;disk:10000;ports:[31000-32000]",
    ...(options.flags ?? []),
  ];
  const { values, effective } = parseFlags(agentFlagSpecs, argv, {});
  const sent: internal.AgentMessage["message"][] = [];
  let registered = false;
  const acknowledge = (m: internal.AgentMessage["message"]) => {
    // As a master would: only once registered (recovery sends before that; they are sent again then).
    if (m.case !== "statusUpdate" || !registered) return;
    const { taskId, uuid } = m.value.status!;
    queueMicrotask(() =>
      agent.receive(
        create(internal.MasterMessageSchema, {
          message: { case: "acknowledgeStatusUpdate", value: { frameworkId: m.value.frameworkId, taskId, uuid } },
        }),
      ),
    );
  };
  const agent: Agent = await createAgent({
    flags: values,
    effectiveFlags: effective,
    clock: options.clock,
    log: testLogger("agent"),
    store: options.store ?? createAgentStore(":memory:"),
    containerizer: options.containerizer,
    masterLink: {
      send(outgoing) {
        if (options.linkUp && !options.linkUp()) return false;
        const message = decoded(outgoing);
        sent.push(message);
        if (options.acknowledge) acknowledge(message);
        return true;
      },
    },
    launchHelperCommand: options.launchHelperCommand ?? LAUNCH_HELPER_COMMAND,
    isolators: options.isolators,
  });
  return {
    ...agent,
    sent,
    fromMaster(message) {
      const m = create(internal.MasterMessageSchema, { message });
      if (m.message.case === "registered") {
        registered = true;
        agent.registered(m.message.value);
      } else agent.receive(m);
    },
  };
}

/** Registers the agent as `TEST_AGENT_ID` (tasks need an agent id). */
export function register(agent: InMemoryAgent): void {
  agent.fromMaster({
    case: "registered",
    value: { agentId: { value: TEST_AGENT_ID }, masterInfo: { id: "m", ip: 0, port: 5050 }, connectionId: "c" },
  });
}

/** What the master would read of a message the agent sends (an encoded one decoded). */
function decoded(message: OutgoingAgentMessage): internal.AgentMessage["message"] {
  if (message.case !== "encoded") return message;
  const bytes = toBinary(internal.AgentMessageSchema, agentMessage(create(AgentIDSchema, { value: "agent" }), "connection", message));
  return fromBinary(internal.AgentMessageSchema, bytes).message;
}
