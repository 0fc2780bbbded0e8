/**
 * The container calls through the Mesos v1 HTTP API (`POST /api/v1` with JSON and RecordIO), the
 * same handler the Connect service wraps: what `mesos task exec` and `task attach` of Apache Mesos
 * send. Needs root (nested containers).
 */
import { expect, test } from "bun:test";
import { encodeRecord, readRecords } from "@mesos/rpc";
import { TaskState } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";
import type { TestFramework } from "../support/framework.ts";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("SKIPPING the v1 HTTP container call tests: they need root");
const rootTest = test.skipIf(!isRoot);

const cleanup = useCleanups();

async function cluster() {
  const { agent, fw } = await startTestCluster(cleanup);
  return { url: `${agent.url}/api/v1`, fw };
}

async function task(fw: TestFramework, id: string, command: string, tty = false): Promise<string> {
  const [offer] = await fw.nextOffers();
  await fw.sub.accept(
    [offer!.id!.value],
    [
      {
        type: 1,
        launch: {
          taskInfos: [
            {
              name: id,
              taskId: { value: id },
              agentId: offer!.agentId,
              command: { value: command },
              container: tty ? { type: 2, ttyInfo: { windowSize: { rows: 24, columns: 80 } } } : undefined,
              resources: [
                { name: "cpus", type: 0, scalar: { value: 0.1 } },
                { name: "mem", type: 0, scalar: { value: 32 } },
              ],
            },
          ],
        },
      },
    ],
  );
  return (await fw.waitForStatus(id, TaskState.TASK_RUNNING)).containerStatus!.containerId!.value;
}

const json = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json", ...headers }, body: JSON.stringify(body) });

const streamed = { Accept: "application/recordio", "Message-Accept": "application/json" };

async function records(response: Response): Promise<Record<string, any>[]> {
  const out = [];
  for await (const r of readRecords(response.body!)) out.push(JSON.parse(new TextDecoder().decode(r)));
  return out;
}

const stdout = (rs: Record<string, any>[]) =>
  rs
    .filter((r) => r.type === "DATA" && r.data.type === "STDOUT")
    .map((r) => Buffer.from(r.data.data, "base64").toString())
    .join("");

rootTest("a session over HTTP: RecordIO output, then WAIT_CONTAINER; the same id again is 202", async () => {
  const { url, fw } = await cluster();
  const parent = await task(fw, "p", "sleep 1000");
  const container_id = { parent: { value: parent }, value: "exec-1" };
  const session = await json(
    url,
    { type: "LAUNCH_NESTED_CONTAINER_SESSION", launch_nested_container_session: { container_id, command: { value: "echo hi from $$; exit 7" } } },
    streamed,
  );
  expect(session.status).toBe(200);
  expect(session.headers.get("content-type")).toBe("application/recordio");
  expect(stdout(await records(session))).toMatch(/^hi from \d+\n$/);
  const wait = await json(url, { type: "WAIT_CONTAINER", wait_container: { container_id } });
  expect(await wait.json()).toEqual({ type: "WAIT_CONTAINER", wait_container: { exit_status: 7 << 8 } });
  const again = await json(
    url,
    { type: "LAUNCH_NESTED_CONTAINER_SESSION", launch_nested_container_session: { container_id, command: { value: "true" } } },
    streamed,
  );
  expect(again.status).toBe(202);
});

rootTest("errors are Mesos's statuses: 404 unknown, 500 without a switchboard with the exact text", async () => {
  const { url, fw } = await cluster();
  const plain = await task(fw, "plain", "sleep 1000");
  const unknown = await json(url, { type: "WAIT_CONTAINER", wait_container: { container_id: { value: "nope" } } });
  expect(unknown.status).toBe(404);
  const attach = await json(url, { type: "ATTACH_CONTAINER_OUTPUT", attach_container_output: { container_id: { value: plain } } }, streamed);
  expect(attach.status).toBe(500);
  expect(await attach.text()).toBe("I/O switchboard server was disabled for this container");
});

rootTest("attaching input over HTTP (a RecordIO request body) to a task with a TTY", async () => {
  const { url, fw } = await cluster();
  const id = await task(fw, "tty", 'while read line; do echo "got:$line"; done', true);
  const output = await json(url, { type: "ATTACH_CONTAINER_OUTPUT", attach_container_output: { container_id: { value: id } } }, streamed);
  expect(output.status).toBe(200);
  const seen: Record<string, any>[] = [];
  const reading = (async () => {
    for await (const r of readRecords(output.body!)) seen.push(JSON.parse(new TextDecoder().decode(r)));
  })();
  const record = (m: unknown) => encodeRecord(new TextEncoder().encode(JSON.stringify(m)));
  const body = new Blob([
    record({ type: "ATTACH_CONTAINER_INPUT", attach_container_input: { type: "CONTAINER_ID", container_id: { value: id } } }),
    record({
      type: "ATTACH_CONTAINER_INPUT",
      attach_container_input: {
        type: "PROCESS_IO",
        process_io: { type: "DATA", data: { type: "STDIN", data: Buffer.from("over http\n").toString("base64") } },
      },
    }),
  ]);
  const input = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/recordio", "Message-Content-Type": "application/json", Accept: "application/json" },
    body,
  });
  expect(input.status).toBe(200);
  for (let i = 0; i < 200 && !stdout(seen).includes("got:over http"); i++) await Bun.sleep(20);
  expect(stdout(seen)).toContain("got:over http");
  await fw.sub.kill("tty", (await fw.waitForStatus("tty", TaskState.TASK_RUNNING)).agentId!.value);
  await reading;
});
