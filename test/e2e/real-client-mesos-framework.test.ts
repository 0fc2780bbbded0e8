/**
 * A framework library written for Apache Mesos, unchanged, against `mesos local`: npm's
 * `mesos-framework` (0.5.3; v1 scheduler HTTP API, JSON; it reads one RecordIO record per HTTP
 * chunk, as libprocess writes them) subscribes, launches two command tasks from offers (resources
 * without allocation_info, as many frameworks send them), acknowledges their updates to
 * TASK_FINISHED, reconciles, and tears itself down; the master then lists it as completed.
 */
import { afterAll, expect, test } from "bun:test";
import type { EventEmitter } from "node:events";
import { tempDir } from "../support/cluster.ts";
import { startDaemon, stopAllDaemons } from "../support/binary.ts";

afterAll(stopAllDaemons);

interface MesosFrameworkScheduler extends EventEmitter {
  subscribe(): void;
  reconcile(taskId: string, agentId: string): void;
  teardown(): void;
}

test("mesos-framework: subscribe, launch, updates to TASK_FINISHED, reconcile, teardown", async () => {
  const local = startDaemon([
    "local",
    `--work_dir=${tempDir("real-client")}`,
    "--port=0",
    "--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]",
  ]);
  const port = Number((await local.waitFor(/master http:\/\/127\.0\.0\.1:(\d+)/, 30_000))[1]);
  const { Scheduler, Mesos } = require("mesos-framework");
  const mesos = Mesos.getMesos();
  const scheduler: MesosFrameworkScheduler = new Scheduler({
    masterUrl: "127.0.0.1",
    port,
    frameworkName: "real-client",
    logging: { path: tempDir("real-client-logs"), fileName: "mesos-framework.log", level: "error" },
    tasks: {
      hello: {
        priority: 1,
        instances: 2,
        commandInfo: new mesos.CommandInfo(null, null, true, "echo hello", null, null),
        resources: { cpus: 0.1, mem: 32, ports: 1, disk: 0 },
      },
    },
    handlers: {},
  });
  const errors: string[] = [];
  scheduler.on("error", (e: { message?: string }) => errors.push(String(e?.message ?? e)));
  const updates: { id: string; state: string; source: string; agent: string }[] = [];
  const finished = new Promise<void>((resolve) => {
    scheduler.on("update", (u: { status: { task_id: { value: string }; state: string; source: string; agent_id: { value: string } } }) => {
      updates.push({ id: u.status.task_id.value, state: u.status.state, source: u.status.source, agent: u.status.agent_id.value });
      if (updates.filter((x) => x.state === "TASK_FINISHED").length === 2) resolve();
    });
  });
  const subscribed = new Promise<string>((resolve) => scheduler.on("subscribed", (s: { frameworkId: string }) => resolve(s.frameworkId)));
  scheduler.on("ready", () => scheduler.subscribe());
  const frameworkId = await subscribed;
  await finished;
  const tasks = [...new Set(updates.map((u) => u.id))];
  expect(tasks).toHaveLength(2);
  for (const id of tasks) {
    expect(updates.filter((u) => u.id === id).map((u) => u.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
  }

  // An explicit reconciliation of a finished task: no longer active, on a registered agent, so (the
  // framework is not partition-aware) TASK_LOST, as Mesos's master answers.
  const reconciled = new Promise<{ state: string; message?: string }>((resolve) =>
    scheduler.on("update", (u: { status: { state: string; reason?: string; message?: string } }) => {
      if (u.status.reason === "REASON_RECONCILIATION") resolve(u.status);
    }),
  );
  scheduler.reconcile(tasks[0]!, updates[0]!.agent);
  expect(await reconciled).toMatchObject({ state: "TASK_LOST", message: "Reconciliation: Task is unknown to the agent" });

  scheduler.teardown();
  const api = `http://127.0.0.1:${port}/api/v1`;
  const removed = async () => {
    const res = await fetch(api, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"type":"GET_FRAMEWORKS"}' });
    const body = (await res.json()) as { get_frameworks: { completed_frameworks?: { framework_info: { id: { value: string } } }[] } };
    return body.get_frameworks.completed_frameworks?.some((f) => f.framework_info.id.value === frameworkId) ?? false;
  };
  for (let i = 0; i < 100 && !(await removed()); i++) await Bun.sleep(100);
  expect(await removed()).toBe(true);
  // Its stream ends with the teardown; nothing else went wrong.
  expect(errors.filter((e) => !e.includes("Long-running connection was closed") && !e.includes("Framework cannot be found"))).toEqual([]);
}, 90_000);
