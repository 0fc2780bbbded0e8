/**
 * Operator clients for the master: the same typed calls over the `mesos.v1.master.Operator`
 * Connect service (tests) or over Mesos's v1 HTTP API (`POST /api/v1`, what the CLI uses: it
 * follows a non-leading master's 307 to the leader and works against Apache Mesos too).
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import { internal } from "@mesos/core";
import { type MachineIDSchema, type maintenance, master } from "@mesos/proto";
import { createTransport, fromConnectError, toBaseUrl } from "@mesos/rpc";
import { createV1Endpoint, postCall } from "./v1-http.ts";

type OperatorCall = (c: MessageInitShape<typeof master.CallSchema>) => Promise<master.Response>;

function operatorMethods(call: OperatorCall, baseUrl: () => string) {
  const T = master.Call_Type;
  return {
    call,
    /** Where calls go now: the leader's URL once a redirect was followed. */
    baseUrl,
    getHealth: async () => (await call({ type: T.GET_HEALTH })).getHealth!,
    getVersion: async () => (await call({ type: T.GET_VERSION })).getVersion!,
    getFlags: async () => (await call({ type: T.GET_FLAGS })).getFlags!,
    getState: async () => (await call({ type: T.GET_STATE })).getState!,
    getAgents: async () => (await call({ type: T.GET_AGENTS })).getAgents!,
    getFrameworks: async () => (await call({ type: T.GET_FRAMEWORKS })).getFrameworks!,
    getTasks: async () => (await call({ type: T.GET_TASKS })).getTasks!,
    getMaintenanceSchedule: async () => (await call({ type: T.GET_MAINTENANCE_SCHEDULE })).getMaintenanceSchedule!.schedule!,
    getMaintenanceStatus: async () => (await call({ type: T.GET_MAINTENANCE_STATUS })).getMaintenanceStatus!.status!,
    updateMaintenanceSchedule: async (schedule: MessageInitShape<typeof maintenance.ScheduleSchema>) => {
      await call({ type: T.UPDATE_MAINTENANCE_SCHEDULE, updateMaintenanceSchedule: { schedule } });
    },
    startMaintenance: async (machines: MessageInitShape<typeof MachineIDSchema>[]) => {
      await call({ type: T.START_MAINTENANCE, startMaintenance: { machines } });
    },
    stopMaintenance: async (machines: MessageInitShape<typeof MachineIDSchema>[]) => {
      await call({ type: T.STOP_MAINTENANCE, stopMaintenance: { machines } });
    },
  };
}

export type OperatorClient = ReturnType<typeof operatorMethods>;

/** Over the Connect service: `address` is the master's (`host:port` or a URL), or a transport (in-memory in tests). */
export function createOperatorClient(address: string | Transport): OperatorClient {
  const inMemory = typeof address !== "string";
  const client = createClient(master.Operator, inMemory ? address : createTransport({ baseUrl: toBaseUrl(address) }));
  return operatorMethods(
    async (c) => {
      try {
        return await client.call(c);
      } catch (e) {
        throw fromConnectError(e);
      }
    },
    () => (inMemory ? "in-memory://master" : toBaseUrl(address)),
  );
}

/** Over `POST /api/v1` (protobuf), following redirects to the leading master. */
export function createHttpOperatorClient(address: string): OperatorClient {
  const endpoint = createV1Endpoint(address);
  const schemas = { call: master.CallSchema, response: master.ResponseSchema };
  return operatorMethods(async (c) => {
    const response = await postCall(endpoint, schemas, c, `The master at ${endpoint.baseUrl()}`);
    if (response) return response;
    // Calls that only act answer 200 or 202 without a body; calls that read must have one.
    const name = master.Call_Type[c.type ?? 0] ?? "";
    if (name.startsWith("GET_")) throw internal(`The master answered ${name} without a body`);
    return create(master.ResponseSchema);
  }, endpoint.baseUrl);
}
