/** An operator client for the master's Operator service (what the CLI and tests use). */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import { master } from "@mesos/proto";
import { createTransport, fromConnectError, toBaseUrl } from "@mesos/rpc";

/** `address`: the master's (`host:port` or a URL), or a transport (an in-memory one in tests). */
export function createOperatorClient(address: string | Transport) {
  const client = createClient(master.Operator, typeof address === "string" ? createTransport({ baseUrl: toBaseUrl(address) }) : address);
  const call = async (c: MessageInitShape<typeof master.CallSchema>): Promise<master.Response> => {
    try {
      return await client.call(c);
    } catch (e) {
      throw fromConnectError(e);
    }
  };
  const T = master.Call_Type;
  return {
    call,
    getHealth: async () => (await call({ type: T.GET_HEALTH })).getHealth!,
    getVersion: async () => (await call({ type: T.GET_VERSION })).getVersion!,
    getFlags: async () => (await call({ type: T.GET_FLAGS })).getFlags!,
    getState: async () => (await call({ type: T.GET_STATE })).getState!,
    getAgents: async () => (await call({ type: T.GET_AGENTS })).getAgents!,
    getFrameworks: async () => (await call({ type: T.GET_FRAMEWORKS })).getFrameworks!,
    getTasks: async () => (await call({ type: T.GET_TASKS })).getTasks!,
  };
}

export type OperatorClient = ReturnType<typeof createOperatorClient>;
