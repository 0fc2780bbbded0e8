import { create, toBinary } from "@bufbuild/protobuf";
import { scheduler } from "@mesos/proto";
import { subscribe } from "@mesos/client";
import { freePort, processUsage, startMasterProcess } from "./support/bench-cluster.ts";
const port = freePort();
const master = await startMasterProcess(port, ["--registry=in_memory"], process.env.PROF ? { BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.PROF}` } : {});
const url = `http://127.0.0.1:${port}`;
const sub = await subscribe(url, { user: "root", name: "rps" });
const body = toBinary(scheduler.CallSchema, create(scheduler.CallSchema, { type: scheduler.Call_Type.REVIVE, frameworkId: { value: sub.frameworkId } }));
async function run(name: string, n: number, req: () => Promise<Response>) {
  const c0 = processUsage(master.proc.pid).cpuSeconds; const t0 = performance.now();
  let i = 0;
  await Promise.all(Array.from({ length: 16 }, async () => { while (i < n) { i++; const r = await req(); await r.arrayBuffer(); } }));
  const cpu = processUsage(master.proc.pid).cpuSeconds - c0;
  console.log(name.padEnd(28), `${n} requests: master CPU ${((cpu * 1e6) / n).toFixed(0)} µs/request; wall ${(n / ((performance.now() - t0) / 1000)).toFixed(0)}/s`);
}
const N = Number(process.env.N ?? 4000);
if (!process.env.PROF) await run("GET /health", N, () => fetch(`${url}/health`));
await run("Connect Scheduler/Call", N, () => fetch(`${url}/mesos.v1.scheduler.Scheduler/Call`, { method: "POST", body, headers: { "Content-Type": "application/proto", "Mesos-Stream-Id": sub.streamId } }));
if (!process.env.PROF) await run("v1 /api/v1/scheduler", N, () => fetch(`${url}/api/v1/scheduler`, { method: "POST", body, headers: { "Content-Type": "application/x-protobuf", "Mesos-Stream-Id": sub.streamId } }));
sub.close(); await master.kill(); process.exit(0);
