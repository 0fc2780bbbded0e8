/** An operator client for the master's Operator service (what the CLI and tests use). */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { master } from "@mesos/proto";
import { createTransport, fromConnectError, toBaseUrl } from "@mesos/rpc";

export function createOperatorClient(address: string) {
  const client = createClient(master.Operator, createTransport({ baseUrl: toBaseUrl(address) }));
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
