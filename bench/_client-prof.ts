import { subscribe } from "@mesos/client";
import { scheduler } from "@mesos/proto";
import { freePort, startMasterProcess } from "./support/bench-cluster.ts";
const port = freePort();
const master = await startMasterProcess(port, ["--registry=in_memory"], {});
const url = `http://127.0.0.1:${port}`;
const sub = await subscribe(url, { user: "root", name: "client-prof" });
const requests = Number(process.argv[2] ?? 20000);
for (let round = 0; round < 3; round++) {
  const c0 = process.cpuUsage();
  let sent = 0;
  await Promise.all(Array.from({ length: 16 }, async () => { while (sent < requests) { sent++; await sub.call({ type: scheduler.Call_Type.REVIVE }); } }));
  const c = process.cpuUsage(c0);
  console.log(`client ${((c.user + c.system) / requests).toFixed(0)} us a call`);
}
sub.close();
await master.kill();
process.exit(0);
