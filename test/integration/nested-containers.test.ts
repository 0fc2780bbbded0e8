/**
 * Nested containers and container I/O through the agent's v1 API (Connect): sessions (what
 * `mesos task exec` uses), attaching to a task's TTY, WAIT and KILL, and Mesos's error semantics.
 * Needs root (the linux launcher: nested containers join their parent's namespaces).
 */
import { describe, expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { agent, type ContainerID, ContainerIDSchema, TaskState } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";
import type { TestFramework } from "../support/framework.ts";
import { agentApi, type AgentApi } from "../support/agent-api.ts";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("SKIPPING nested container tests: they need root (the linux launcher)");
const rootTest = test.skipIf(!isRoot);

const cleanup = useCleanups();

async function cluster(flags: string[] = []) {
  const c = await startTestCluster(cleanup, { agent: { flags: ["--http_heartbeat_interval=100ms", ...flags] } });
  return { ...c, api: agentApi(c.agent.url) };
}

/** Launches a task and returns its container id once it runs. */
async function runningTask(fw: TestFramework, taskId: string, command: string, tty?: { rows: number; columns: number }): Promise<ContainerID> {
  await fw.launch(taskId, command, { container: tty ? { type: 2, ttyInfo: { windowSize: tty } } : undefined });
  const running = await fw.waitForStatus(taskId, TaskState.TASK_RUNNING);
  return running.containerStatus!.containerId!;
}

const call = (init: Parameters<typeof create<typeof agent.CallSchema>>[1]) => create(agent.CallSchema, init);
const nested = (parent: ContainerID, value: string = crypto.randomUUID()) => create(ContainerIDSchema, { value, parent });
const text = (records: agent.ProcessIO[], type = agent.ProcessIO_Data_Type.STDOUT) =>
  records
    .filter((r) => r.type === agent.ProcessIO_Type.DATA && r.data?.type === type)
    .map((r) => new TextDecoder().decode(r.data!.data))
    .join("");

async function collect(stream: AsyncIterable<agent.ProcessIO>): Promise<agent.ProcessIO[]> {
  const out: agent.ProcessIO[] = [];
  for await (const r of stream) out.push(r);
  return out;
}

async function session(api: AgentApi, id: ContainerID, command: string, opts: { tty?: boolean; shell?: boolean } = {}) {
  return collect(
    api.callOutputStream(
      call({
        type: agent.Call_Type.LAUNCH_NESTED_CONTAINER_SESSION,
        launchNestedContainerSession: {
          containerId: id,
          command: opts.shell === false ? { value: command.split(" ")[0], arguments: command.split(" "), shell: false } : { value: command },
          container: opts.tty ? { type: 2, ttyInfo: {} } : undefined,
        },
      }),
    ),
  );
}

async function waitExit(api: AgentApi, id: ContainerID): Promise<number> {
  const r = await api.call(call({ type: agent.Call_Type.WAIT_CONTAINER, waitContainer: { containerId: id } }));
  return r.waitContainer!.exitStatus;
}

async function expectCode(p: Promise<unknown>, code: Code, message?: string | RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    const err = ConnectError.from(e);
    expect(Code[err.code]).toBe(Code[code]);
    if (message !== undefined) expect(err.rawMessage).toMatch(message);
    return;
  }
  throw new Error(`expected ${Code[code]}, but the call succeeded`);
}

describe("nested containers", () => {
  rootTest("a session container sees the parent's files and processes and inherits its working directory", async () => {
    const { fw, api } = await cluster();
    const parent = await runningTask(fw, "parent", "echo from-parent > shared.txt; exec sleep 1000");
    const id = nested(parent);
    const out = await session(api, id, "cat shared.txt; echo pid=$$; ls /proc | grep -c '^[0-9]'; pwd");
    const lines = text(out).split("\n");
    expect(lines[0]).toBe("from-parent");
    expect(lines[1]).not.toBe("pid=1"); // the parent's init is PID 1 of the namespace they share
    expect(Number(lines[2])).toBeGreaterThan(2); // it sees the parent's processes
    expect(lines[3]).toContain("/executors/parent/runs/");
    expect(await waitExit(api, id)).toBe(0);
  });

  rootTest("a session with a TTY (task exec -t): the command runs on a terminal", async () => {
    const { fw, api } = await cluster();
    const parent = await runningTask(fw, "tty-parent", "sleep 1000");
    const id = nested(parent);
    const out = text(await session(api, id, "tty; stty size", { tty: true })).replace(/\r/g, "");
    expect(out).toMatch(/^\/dev\/pts\/\d+\n24 80\n$/);
    expect(await waitExit(api, id)).toBe(0);
  });

  rootTest("WAIT_CONTAINER gives the raw wait status: exit 3 and kill -9", async () => {
    const { fw, api } = await cluster();
    const parent = await runningTask(fw, "waiter", "sleep 1000");
    const exit3 = nested(parent);
    await session(api, exit3, "exit 3");
    expect(await waitExit(api, exit3)).toBe(3 << 8);
    const killed = nested(parent);
    await session(api, killed, "kill -9 $$");
    expect(await waitExit(api, killed)).toBe(9);
  });

  rootTest("a session on an id that exists is accepted without a stream; unknown containers are NOT_FOUND", async () => {
    const { fw, api } = await cluster();
    const parent = await runningTask(fw, "p", "sleep 1000");
    const id = nested(parent);
    await session(api, id, "true");
    expect(await session(api, id, "true")).toEqual([]);
    const ghost = create(ContainerIDSchema, { value: "no-such-container" });
    await expectCode(waitExit(api, ghost), Code.NotFound);
    await expectCode(api.call(call({ type: agent.Call_Type.KILL_CONTAINER, killContainer: { containerId: ghost } })), Code.NotFound);
    await expectCode(
      collect(api.callOutputStream(call({ type: agent.Call_Type.ATTACH_CONTAINER_OUTPUT, attachContainerOutput: { containerId: ghost } }))),
      Code.NotFound,
    );
    await expectCode(session(api, nested(ghost), "true"), Code.NotFound);
    await expectCode(session(api, nested(parent, "a.b"), "true"), Code.InvalidArgument, /'ContainerID.value' 'a.b' contains invalid characters/);
  });

  rootTest("a session is destroyed when its client goes away", async () => {
    const { fw, api, agent: a } = await cluster();
    const parent = await runningTask(fw, "p2", "sleep 1000");
    const id = nested(parent);
    const abort = new AbortController();
    const stream = api.callOutputStream(
      call({
        type: agent.Call_Type.LAUNCH_NESTED_CONTAINER_SESSION,
        launchNestedContainerSession: { containerId: id, command: { value: "echo started; exec sleep 1000" } },
      }),
      { signal: abort.signal },
    );
    for await (const r of stream) if (text([r]).includes("started")) break;
    abort.abort();
    const key = `${parent.value}.${id.value}`;
    await eventually(() => a.ctx.containerizer.state(key) === "terminated", 10_000, "the session container to be destroyed");
    expect(await waitExit(api, id)).toBe(9);
  });

  rootTest("the output stream carries heartbeats", async () => {
    const { fw, api } = await cluster();
    const parent = await runningTask(fw, "p3", "sleep 1000");
    const out = await session(api, nested(parent), "sleep 0.5");
    expect(out.some((r) => r.type === agent.ProcessIO_Type.CONTROL && r.control?.type === agent.ProcessIO_Control_Type.HEARTBEAT)).toBe(true);
  });

  rootTest("KILL_CONTAINER signals a nested container", async () => {
    const { fw, api } = await cluster();
    const parent = await runningTask(fw, "p4", "sleep 1000");
    const id = nested(parent);
    await api.call(call({ type: agent.Call_Type.LAUNCH_CONTAINER, launchContainer: { containerId: id, command: { value: "sleep 1000" } } }));
    await api.call(call({ type: agent.Call_Type.KILL_CONTAINER, killContainer: { containerId: id, signal: 15 } }));
    expect(await waitExit(api, id)).toBe(15);
    await api.call(call({ type: agent.Call_Type.REMOVE_CONTAINER, removeContainer: { containerId: id } }));
    await expectCode(waitExit(api, id), Code.NotFound);
  });
});

describe("attaching to a task", () => {
  rootTest("a task without a TTY has no switchboard: Mesos's exact 500", async () => {
    const { fw, api } = await cluster();
    const id = await runningTask(fw, "plain", "sleep 1000");
    await expectCode(
      collect(api.callOutputStream(call({ type: agent.Call_Type.ATTACH_CONTAINER_OUTPUT, attachContainerOutput: { containerId: id } }))),
      Code.Internal,
      /^I\/O switchboard server was disabled for this container$/,
    );
  });

  rootTest("a TTY task: output streams, input reaches it, resizes work, a second input is a conflict", async () => {
    const { fw, api } = await cluster();
    // Output written before an attach is not replayed (only DEBUG containers hold it back), so the
    // task answers input only: its size after the first line is the launch's, 24x80.
    const id = await runningTask(fw, "tty", 'while read line; do echo "got:$line"; stty size; done', { rows: 24, columns: 80 });
    const output: agent.ProcessIO[] = [];
    const reading = (async () => {
      for await (const r of api.callOutputStream(
        call({ type: agent.Call_Type.ATTACH_CONTAINER_OUTPUT, attachContainerOutput: { containerId: id } }),
      )) {
        output.push(r);
      }
    })();
    // A function among the records is awaited before the next one is sent.
    const input = (records: (agent.Call | (() => Promise<unknown>))[]) =>
      api.callInputStream(
        (async function* () {
          yield call({ type: agent.Call_Type.ATTACH_CONTAINER_INPUT, attachContainerInput: { type: 1, containerId: id } });
          for (const r of records) {
            if (typeof r === "function") await r();
            else yield r;
            await Bun.sleep(50);
          }
        })(),
      );
    const io = (processIo: Parameters<typeof create<typeof agent.ProcessIOSchema>>[1]) =>
      call({ type: agent.Call_Type.ATTACH_CONTAINER_INPUT, attachContainerInput: { type: 2, processIo } });

    // The output stream is attached once its first record (a heartbeat) arrives.
    await eventually(() => output.length > 0, 10_000, "the output stream");
    // A slow first input holds the attachment while a second one tries.
    const first = input([
      io({ type: 2, control: { type: 2, heartbeat: {} } }),
      io({ type: 1, data: { type: 1, data: new TextEncoder().encode("hello\n") } }),
      // The resize waits for the answer to the first line (a loaded machine may run the task late).
      () => eventually(() => text(output).includes("24 80"), 10_000, "the first answer"),
      io({ type: 2, control: { type: 1, ttyInfo: { windowSize: { rows: 40, columns: 100 } } } }),
      io({ type: 1, data: { type: 1, data: new TextEncoder().encode("again\n") } }),
    ]);
    await Bun.sleep(30);
    await expectCode(input([]), Code.AlreadyExists);
    await first;
    await eventually(() => text(output).includes("got:again"), 10_000, "the echoed input");
    const seen = text(output).replace(/\r/g, "");
    expect(seen).toContain("24 80");
    expect(seen).toContain("got:hello");
    expect(seen).toContain("40 100");
    await expectCode(input([io({ type: 2, control: { type: 1, ttyInfo: {} } })]), Code.InvalidArgument, /window_size/);
    await expectCode(
      api.callInputStream(
        (async function* () {
          yield io({ type: 1, data: { type: 1, data: new Uint8Array([1]) } });
        })(),
      ),
      Code.InvalidArgument,
      /CONTAINER_ID/,
    );
    await fw.sub.kill("tty", (await fw.waitForStatus("tty", TaskState.TASK_RUNNING)).agentId!.value);
    await reading;
  });
});
