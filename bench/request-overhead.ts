/**
 * What one request costs the master (CPU time per request, measured from /proc, so a busy machine
 * changes it little): a plain endpoint, a scheduler call over Connect, the same call over the
 * Mesos v1 HTTP API, and through @mesos/client (with the client's CPU: a framework pays it on the
 * same cores). Every status update and acknowledgement is such a request, so this bounds the
 * master's launch throughput.
 *
 *   npx bun bench/request-overhead.ts [--requests=4000]     (MASTER_CPU_PROFILE=DIR profiles the master)
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { subscribe } from "@mesos/client";
import { scheduler } from "@mesos/proto";
import { freePort, processUsage, startMasterProcess } from "./support/bench-cluster.ts";

const requests = Number(process.argv.find((a) => a.startsWith("--requests="))?.slice(11) ?? 4000);
const port = freePort();
const profile = process.env.MASTER_CPU_PROFILE;
const master = await startMasterProcess(port, ["--registry=in_memory"], profile ? { BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } : {});
const url = `http://127.0.0.1:${port}`;
const sub = await subscribe(url, { user: "root", name: "request-overhead" });
const body = toBinary(
  scheduler.CallSchema,
  create(scheduler.CallSchema, { type: scheduler.Call_Type.REVIVE, frameworkId: { value: sub.frameworkId } }),
);

async function run(name: string, request: () => Promise<Response | undefined>): Promise<void> {
  const cpu0 = processUsage(master.proc.pid).cpuSeconds;
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < requests) {
        sent++;
        await (await request())?.arrayBuffer();
      }
    }),
  );
  const cpu = processUsage(master.proc.pid).cpuSeconds - cpu0;
  const client = process.cpuUsage(client0);
  const rate = requests / ((performance.now() - t0) / 1000);
  console.log(
    `${name.padEnd(38)} master CPU ${((cpu * 1e6) / requests).toFixed(0).padStart(4)} µs a request, client ${((client.user + client.system) / requests).toFixed(0).padStart(3)} µs; ${rate.toFixed(0)} requests/s (16 at a time)`,
  );
}

console.log(`request-overhead: ${requests} requests each; ${navigator.hardwareConcurrency} cpus`);
await run("GET /health", () => fetch(`${url}/health`));
const headers = (type: string) => ({ "Content-Type": type, "Mesos-Stream-Id": sub.streamId });
await run("REVIVE over Connect (protobuf)", () =>
  fetch(`${url}/mesos.v1.scheduler.Scheduler/Call`, { method: "POST", body, headers: headers("application/proto") }),
);
await run("REVIVE over the v1 HTTP API (protobuf)", () =>
  fetch(`${url}/api/v1/scheduler`, { method: "POST", body, headers: headers("application/x-protobuf") }),
);
// The same call made as a framework makes it: through @mesos/client (its transport is the client's cost).
await run("REVIVE through @mesos/client", async () => {
  await sub.call({ type: scheduler.Call_Type.REVIVE });
  return undefined;
});
sub.close();
await master.kill();
process.exit(0);
