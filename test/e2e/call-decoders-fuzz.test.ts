/**
 * Fuzzing the call decoders of a real master and agent (the compiled binary on 127.0.0.1): scheduler,
 * operator and agent calls, valid-shaped and damaged, JSON and protobuf, through the Mesos v1 HTTP
 * API and through Connect (unary and server-streaming). Every request gets an answer that is not a
 * 5xx (501 for an unimplemented call is Mesos's answer), within a deadline; the daemons stay up.
 * A few hundred inputs per endpoint in `npm test`; MESOS_FUZZ_RUNS=100000 for the long form.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { create, type DescMessage } from "@bufbuild/protobuf";
import { fuzzRuns } from "@mesos/core";
import { agent, FrameworkIDSchema, master, scheduler } from "@mesos/proto";
import fc from "fast-check";
import { type Daemon, startDaemon, stopAllDaemons } from "../support/binary.ts";
import { tempDir } from "../support/cluster.ts";
import { type EventReader, jsonCodec, subscribeHttp } from "../support/http-api.ts";
import { type EncodedCall, encodedCallArbitrary } from "../support/fuzz-messages.ts";

const RUNS = fuzzRuns(300);
const DEADLINE_MS = 10_000;

let masterDaemon: Daemon;
let agentDaemon: Daemon;
let masterUrl: string;
let agentUrl: string;
let framework: EventReader;
let frameworkId: string;
let streamId: string;

beforeAll(async () => {
  masterDaemon = startDaemon(["master", "--registry=in_memory", "--port=0"]);
  masterUrl = `http://${(await masterDaemon.waitFor(/listening on http:\/\/([\d.]+:\d+)/))[1]}`;
  agentDaemon = startDaemon([
    "agent",
    `--master=${masterUrl.slice(7)}`,
    `--work_dir=${tempDir("fuzz-agent")}`,
    "--port=0",
    "--launcher=posix",
    "--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]",
  ]);
  agentUrl = `http://${(await agentDaemon.waitFor(/listening on http:\/\/([\d.]+:\d+)/))[1]}`;
  // A subscribed framework, so scheduler calls that name it get past the framework checks.
  framework = await subscribeHttp(`${masterUrl}/api/v1/scheduler`, jsonCodec, {
    type: "SUBSCRIBE",
    subscribe: { framework_info: { user: "root", name: "fuzz", roles: ["*"], capabilities: [{ type: "MULTI_ROLE" }] } },
  });
  const subscribed = await framework.next("SUBSCRIBED");
  frameworkId = (subscribed.subscribed as { framework_id: { value: string } }).framework_id.value;
  streamId = framework.response.headers.get("Mesos-Stream-Id")!;
}, 60_000);
afterAll(async () => {
  framework?.close();
  await stopAllDaemons();
});

type Transport = "v1" | "connect-unary" | "connect-stream";

interface Target {
  name: string;
  url: () => string;
  schema: DescMessage;
  transport: Transport;
  /** Call types to generate (the agent's launches would start real processes). */
  types?: (name: string) => boolean;
  /** Scheduler calls mostly name the subscribed framework and carry its stream id. */
  asFramework?: boolean;
}

const noLaunches = (name: string) => !name.includes("LAUNCH") && !name.startsWith("ATTACH");
/** The fuzzing framework stays subscribed. */
const notTeardown = (name: string) => name !== "TEARDOWN";

const targets: Target[] = [
  {
    name: "master POST /api/v1/scheduler",
    url: () => `${masterUrl}/api/v1/scheduler`,
    schema: scheduler.CallSchema,
    transport: "v1",
    asFramework: true,
    types: notTeardown,
  },
  { name: "master POST /api/v1 (operator)", url: () => `${masterUrl}/api/v1`, schema: master.CallSchema, transport: "v1" },
  {
    name: "master Connect Scheduler/Call",
    url: () => `${masterUrl}/mesos.v1.scheduler.Scheduler/Call`,
    schema: scheduler.CallSchema,
    transport: "connect-unary",
    asFramework: true,
    types: notTeardown,
  },
  {
    name: "master Connect Scheduler/Subscribe",
    url: () => `${masterUrl}/mesos.v1.scheduler.Scheduler/Subscribe`,
    schema: scheduler.CallSchema,
    transport: "connect-stream",
  },
  {
    name: "master Connect Operator/Call",
    url: () => `${masterUrl}/mesos.v1.master.Operator/Call`,
    schema: master.CallSchema,
    transport: "connect-unary",
  },
  {
    name: "master Connect Operator/Subscribe",
    url: () => `${masterUrl}/mesos.v1.master.Operator/Subscribe`,
    schema: master.CallSchema,
    transport: "connect-stream",
  },
  { name: "agent POST /api/v1", url: () => `${agentUrl}/api/v1`, schema: agent.CallSchema, transport: "v1", types: noLaunches },
  {
    name: "agent Connect Agent/Call",
    url: () => `${agentUrl}/mesos.v1.agent.Agent/Call`,
    schema: agent.CallSchema,
    transport: "connect-unary",
    types: noLaunches,
  },
];

function envelope(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  new DataView(out.buffer).setUint32(1, body.length);
  out.set(body, 5);
  return out;
}

function request(target: Target, call: EncodedCall): RequestInit {
  const json = call.format === "json";
  const stream: Record<string, string> = target.asFramework ? { "Mesos-Stream-Id": streamId } : {};
  switch (target.transport) {
    case "v1":
      return {
        body: call.body,
        headers: { "Content-Type": json ? "application/json" : "application/x-protobuf", Accept: "application/json", ...stream },
      };
    case "connect-unary":
      return { body: call.body, headers: { "Content-Type": json ? "application/json" : "application/proto", ...stream } };
    case "connect-stream":
      return { body: envelope(call.body), headers: { "Content-Type": json ? "application/connect+json" : "application/connect+proto" } };
  }
}

/** The Connect error code in a streamed response's end-of-stream envelope, if it has one. */
async function streamErrorCode(res: Response, signal: AbortSignal): Promise<string | undefined> {
  const reader = res.body!.getReader();
  let bytes = new Uint8Array(0);
  try {
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes = new Uint8Array([...bytes, ...value]);
      if (bytes.length < 5) continue;
      const length = new DataView(bytes.buffer).getUint32(1);
      if (bytes.length < 5 + length) continue;
      if ((bytes[0]! & 0b10) === 0) return undefined; // a first event: the stream is open and well
      const end = JSON.parse(new TextDecoder().decode(bytes.subarray(5, 5 + length))) as { error?: { code: string } };
      return end.error?.code;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return undefined;
}

const seen = new Map<string, Map<string, number>>();

for (const target of targets) {
  test(
    `${target.name}: every input is answered, never with a 5xx`,
    async () => {
      const counts = new Map<string, number>();
      seen.set(target.name, counts);
      const transport = target.transport === "v1" ? "v1" : "connect";
      const prepare = target.asFramework
        ? (m: object) => {
            // Subscribe calls keep their random framework info; the others act as the framework.
            const call = m as scheduler.Call;
            if (call.type !== scheduler.Call_Type.SUBSCRIBE && call.frameworkId?.value !== "")
              call.frameworkId = create(FrameworkIDSchema, { value: frameworkId });
          }
        : undefined;
      await fc.assert(
        fc.asyncProperty(encodedCallArbitrary(target.schema, transport, { types: target.types, prepare }), async (call) => {
          const signal = AbortSignal.timeout(DEADLINE_MS);
          const res = await fetch(target.url(), { method: "POST", ...request(target, call), signal });
          let outcome = String(res.status);
          if (target.transport === "connect-stream" && res.status === 200) outcome = `200/${(await streamErrorCode(res, signal)) ?? "open"}`;
          else if (process.env.FUZZ_SAMPLE && res.status === 400 && Math.random() < 0.05) console.log(target.name, (await res.text()).slice(0, 200));
          else await res.body?.cancel();
          counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
          if ((res.status >= 500 && res.status !== 501) || /internal|unknown/.test(outcome)) {
            throw new Error(`${target.name} answered ${outcome} to a ${call.format} body of ${call.body.length} bytes`);
          }
        }),
        { numRuns: RUNS },
      );
    },
    Math.max(120_000, RUNS * 20),
  );
}

test("the master and the agent are still up and healthy", async () => {
  expect(masterDaemon.proc.exitCode).toBeNull();
  expect(agentDaemon.proc.exitCode).toBeNull();
  expect((await fetch(`${masterUrl}/health`)).status).toBe(200);
  expect((await fetch(`${agentUrl}/health`)).status).toBe(200);
  if (process.env.MESOS_FUZZ_RUNS) {
    for (const [name, counts] of seen) console.log(`${name}: ${[...counts].map(([k, n]) => `${k} x${n}`).join(", ")}`);
    for (const d of [masterDaemon, agentDaemon]) {
      const status = await Bun.file(`/proc/${d.proc.pid}/status`).text();
      console.log(`pid ${d.proc.pid}: peak RSS ${Number(status.match(/VmHWM:\s+(\d+)/)![1]) >> 10} MB`);
    }
  }
});
