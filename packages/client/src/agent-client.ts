/**
 * A client for an agent's v1 HTTP API (`POST /api/v1`), the calls an operator's tools use: the
 * container calls of `task attach` / `task exec` (output and input as RecordIO streams) and
 * WAIT/KILL_CONTAINER. Speaks protobuf; works against Apache Mesos agents too.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { internal } from "@mesos/core";
import { agent, type ContainerID, type ContainerIDSchema } from "@mesos/proto";
import { createAgentFiles } from "./files-client.ts";
import { createV1Endpoint, postCall, postForStream, postStream } from "./v1-http.ts";

type ContainerIdInit = MessageInitShape<typeof ContainerIDSchema> | ContainerID;
type ProcessIOInit = MessageInitShape<typeof agent.ProcessIOSchema>;

export function createAgentClient(address: string) {
  const endpoint = createV1Endpoint(address);
  const what = () => `The agent at ${endpoint.baseUrl()}`;
  const T = agent.Call_Type;
  const call = (c: MessageInitShape<typeof agent.CallSchema>, signal?: AbortSignal) =>
    postCall(endpoint, { call: agent.CallSchema, response: agent.ResponseSchema }, c, what(), signal);
  const outputStream = (c: MessageInitShape<typeof agent.CallSchema>, signal?: AbortSignal) =>
    postForStream(endpoint, { call: agent.CallSchema, record: agent.ProcessIOSchema }, c, what(), signal);

  return {
    address: () => endpoint.baseUrl(),
    call,
    /** The container's raw wait(2) status, once it has ended (undefined if the agent does not know it). */
    async waitContainer(containerId: ContainerIdInit, signal?: AbortSignal): Promise<number | undefined> {
      const r = await call({ type: T.WAIT_CONTAINER, waitContainer: { containerId } }, signal);
      if (!r?.waitContainer) throw internal(`${what()} answered WAIT_CONTAINER without a result`);
      return r.waitContainer.exitStatus;
    },
    async killContainer(containerId: ContainerIdInit, signal?: number): Promise<void> {
      await call({ type: T.KILL_CONTAINER, killContainer: { containerId, signal } });
    },
    /**
     * Launches a DEBUG container nested in a running one and streams its output; the agent
     * destroys it when this stream is dropped. Undefined if the id existed already (202).
     */
    launchNestedContainerSession(
      session: MessageInitShape<typeof agent.Call_LaunchNestedContainerSessionSchema>,
      signal?: AbortSignal,
    ): Promise<AsyncIterable<agent.ProcessIO> | undefined> {
      return outputStream({ type: T.LAUNCH_NESTED_CONTAINER_SESSION, launchNestedContainerSession: session }, signal);
    },
    async attachContainerOutput(containerId: ContainerIdInit, signal?: AbortSignal): Promise<AsyncIterable<agent.ProcessIO>> {
      const stream = await outputStream({ type: T.ATTACH_CONTAINER_OUTPUT, attachContainerOutput: { containerId } }, signal);
      if (!stream) throw internal(`${what()} answered ATTACH_CONTAINER_OUTPUT without a stream`);
      return stream;
    },
    /** Streams `input` (DATA and CONTROL records) to the container; resolves when the agent answers after the input ends. */
    attachContainerInput(containerId: ContainerIdInit, input: AsyncIterable<ProcessIOInit>, signal?: AbortSignal): Promise<void> {
      const C = agent.Call_AttachContainerInput_Type;
      async function* calls(): AsyncGenerator<MessageInitShape<typeof agent.CallSchema>> {
        yield { type: T.ATTACH_CONTAINER_INPUT, attachContainerInput: { type: C.CONTAINER_ID, containerId } };
        for await (const processIo of input) yield { type: T.ATTACH_CONTAINER_INPUT, attachContainerInput: { type: C.PROCESS_IO, processIo } };
      }
      return postStream(endpoint, agent.CallSchema, calls(), what(), signal);
    },
    files: createAgentFiles(endpoint),
  };
}

export type AgentClient = ReturnType<typeof createAgentClient>;
