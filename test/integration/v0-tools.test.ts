/**
 * What tools written for Mesos read from a master and an agent, against a real cluster with a
 * finished, a failed and a running task: JSONP on every v0 JSON endpoint, the agent's /state
 * fields, /monitor/statistics, the sandbox through /files and LIST_FILES/READ_FILE, and the
 * metrics registry as /metrics/snapshot, GET_METRICS and Prometheus /metrics (checked by promtool).
 */
import { expect, test } from "bun:test";
import { TaskState } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { eventually } from "../support/cluster.ts";
import { startTestCluster } from "../support/test-cluster.ts";

const cleanup = useCleanups();

const MASTER_V0 = [
  "/state",
  "/state-summary",
  "/slaves",
  "/frameworks",
  "/roles",
  "/tasks",
  "/flags",
  "/version",
  "/metrics/snapshot",
  "/files/debug",
  "/maintenance/schedule",
  "/maintenance/status",
];
const AGENT_V0 = ["/state", "/flags", "/version", "/containers", "/monitor/statistics", "/metrics/snapshot", "/files/debug"];

async function jsonpOf(url: string): Promise<unknown> {
  const res = await fetch(`${url}${url.includes("?") ? "&" : "?"}jsonp=cb`);
  expect([url, res.status, res.headers.get("Content-Type")]).toEqual([url, 200, "text/javascript"]);
  const body = await res.text();
  expect(body.startsWith("cb(") && body.endsWith(")")).toBe(true);
  return JSON.parse(body.slice(3, -1));
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read Mesos's JSON loosely
const json = (r: Response): Promise<any> => r.json();

// biome-ignore lint/suspicious/noExplicitAny: as above
const operator = (url: string, call: unknown): Promise<{ status: number; body: any }> =>
  fetch(`${url}/api/v1`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(call),
  }).then(async (r) => ({ status: r.status, body: r.headers.get("Content-Type")?.includes("json") ? await r.json() : await r.text() }));

test("v0 endpoints, files and metrics as Mesos tools read them", async () => {
  const { master, agent, fw } = await startTestCluster(cleanup);
  await fw.launch("done", "echo hello-sandbox");
  await fw.waitForStatus("done", TaskState.TASK_FINISHED);
  await fw.launch("bad", "exit 3");
  await fw.waitForStatus("bad", TaskState.TASK_FAILED);
  await fw.launch("runs", "sleep 60");
  await fw.waitForStatus("runs", TaskState.TASK_RUNNING);

  // JSONP on every v0 JSON endpoint, both processes, also under the /master and /slave(1) aliases.
  for (const path of MASTER_V0) await jsonpOf(`${master.url}${path}`);
  for (const path of ["/master/state", "/master/tasks?limit=1", "/master/maintenance/schedule"]) await jsonpOf(`${master.url}${path}`);
  for (const path of AGENT_V0) await jsonpOf(`${agent.url}${path}`);
  for (const path of ["/slave(1)/state", "/slave(1)/monitor/statistics"]) await jsonpOf(`${agent.url}${path}`);

  // The agent's /state: the fields the Mesos UI reads, completed tasks kept as Mesos keeps them (a
  // framework with nothing left on the agent moves to completed_frameworks with its executors).
  const completedExecutors = (s: any) => [...s.frameworks, ...s.completed_frameworks].flatMap((f: any) => f.completed_executors);
  let state: any;
  await eventually(
    async () => {
      state = await fetch(`${agent.url}/state`).then(json);
      return completedExecutors(state).length === 2;
    },
    20_000,
    "the finished and failed tasks in completed executors",
  );
  for (const key of [
    "build_time",
    "start_time",
    "reserved_resources",
    "unreserved_resources",
    "reserved_resources_allocated",
    "unreserved_resources_allocated",
    "completed_frameworks",
  ]) {
    expect(state).toHaveProperty(key);
  }
  expect(state.master_hostname).toBe("127.0.0.1");
  const framework = state.frameworks[0];
  expect(framework.role).toBe("*");
  expect(framework.roles).toEqual(["*"]);
  const running = framework.executors[0];
  expect(running).toMatchObject({ id: "runs", source: "runs", role: "*", queued_tasks: [], completed_tasks: [] });
  expect(running.tasks[0]).toMatchObject({ id: "runs", state: "TASK_RUNNING", role: "*" });
  const done = completedExecutors(state).find((e: any) => e.id === "done");
  expect(done.completed_tasks[0]).toMatchObject({ id: "done", state: "TASK_FINISHED" });

  // The finished task's sandbox is still browsable and readable, by virtual path too.
  const virtual = `/slaves/${state.id}/frameworks/${framework.id}/executors/done/runs/latest`;
  const listing = await fetch(`${agent.url}/files/browse?path=${encodeURIComponent(virtual)}`).then(json);
  const stdout = listing.find((f: any) => f.path === `${virtual}/stdout`);
  expect(stdout.mode).toMatch(/^-rw/);
  expect(await fetch(`${agent.url}/files/read?path=${encodeURIComponent(`${done.directory}/stdout`)}&offset=0`).then(json)).toMatchObject({
    offset: 0,
    data: expect.stringContaining("hello-sandbox"),
  });
  expect((await fetch(`${agent.url}/files/debug`).then(json))[virtual]).toBe(done.directory);
  const listed = await operator(agent.url, { type: "LIST_FILES", list_files: { path: virtual } });
  expect(listed.body.list_files.file_infos.map((f: any) => f.path)).toContain(`${virtual}/stdout`);
  const read = await operator(agent.url, { type: "READ_FILE", read_file: { path: `${virtual}/stdout`, offset: 0 } });
  expect(Buffer.from(read.body.read_file.data, "base64").toString()).toContain("hello-sandbox");
  expect((await operator(agent.url, { type: "READ_FILE", read_file: { path: "/etc/passwd", offset: 0 } })).status).toBe(404);

  // /monitor/statistics: the running executor's usage.
  const stats = await fetch(`${agent.url}/monitor/statistics`).then(json);
  expect(stats.map((s: any) => s.executor_id)).toEqual(["runs"]);
  expect(stats[0]).toMatchObject({ framework_id: framework.id, source: "runs", statistics: { timestamp: expect.any(Number) } });

  // Metrics: Mesos's names, one registry behind the snapshot, GET_METRICS and Prometheus.
  const m = await fetch(`${master.url}/metrics/snapshot`).then(json);
  expect(m).toMatchObject({
    "master/tasks_running": 1,
    "master/tasks_finished": 1,
    "master/tasks_failed": 1,
    "master/cpus_total": expect.any(Number),
  });
  expect(m["master/cpus_used"]).toBeCloseTo(0.1);
  for (const name of [
    "master/tasks_staging",
    "master/tasks_killing",
    "master/tasks_dropped",
    "master/mem_percent",
    "master/gpus_total",
    "master/event_queue_messages",
    "master/operations/total",
    "allocator/mesos/allocation_runs",
    "allocator/mesos/allocation_run_ms",
  ]) {
    expect(m).toHaveProperty([name]);
  }
  const metrics = await operator(master.url, { type: "GET_METRICS", get_metrics: {} });
  expect(metrics.body.get_metrics.metrics.find((x: any) => x.name === "master/tasks_finished").value).toBe(1);
  const a = await fetch(`${agent.url}/metrics/snapshot`).then(json);
  expect(a).toMatchObject({
    "slave/tasks_running": 1,
    "slave/tasks_finished": 1,
    "slave/tasks_failed": 1,
    "slave/registered": 1,
    "slave/executors_running": 1,
  });
  expect(a).toHaveProperty(["containerizer/mesos/container_destroy_errors"]);
  for (const url of [master.url, agent.url]) {
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get("Content-Type")).toStartWith("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toContain("# TYPE ");
    const check = Bun.spawnSync(["promtool", "check", "metrics"], { stdin: Buffer.from(text) });
    // Exit 0: clean; 3: naming-style notes only, about Mesos's own names (`_ms` timers, gauges such
    // as `master/cpus_total`), kept so queries match Mesos's metrics. 1 would be a parse error.
    const STYLE = /should not contain abbreviated units|non-counter metrics should not have "_total" suffix/;
    const complaints = `${check.stdout}${check.stderr}`.split("\n").filter((l) => l.trim() && !STYLE.test(l));
    expect([check.exitCode === 0 || check.exitCode === 3, complaints]).toEqual([true, []]);
  }
}, 90_000);
