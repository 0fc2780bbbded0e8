/**
 * The state views at a size where their kept parts show: 150 agents (several blocks of the kept
 * agents list, read-model/kept-array.ts) and 300 tasks, the answers streamed from kept bytes
 * (read-model/byte-parts.ts). Each answer must be the bytes the plain encoders write, and stay so
 * after one task and one agent change between reads (a block or list kept too long would show);
 * then through a seeded random run of offers, declines, launches and task changes, where what the
 * views show offered is checked against the OfferBook (offered sums are kept while their contents
 * are the same, offers' encodings while they are outstanding). STATE_VIEWS_SEED picks another run.
 */
import { expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createOperatorClient } from "@mesos/client";
import { parseResources, Resources, seededRandom, summarizeResources } from "@mesos/core";
import { internal, master as api, Offer_Operation_Type, scheduler, TaskSchema, TaskState, TaskStatus_Source, TaskStatusSchema } from "@mesos/proto";
import { encodeMessage } from "@mesos/rpc";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework } from "../support/framework.ts";
import { createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();
const AGENTS = 150;
const FRAMEWORK = { id: { value: "fw-kept" }, user: "root", name: "kept ✓", failoverTimeout: 3600 };

/** Attaches an agent through the master's link acceptor, reporting two running tasks of FRAMEWORK. */
function attach(master: InMemoryMaster, i: number): Promise<void> {
  const id = `kept-agent-${i}`;
  const tasks = [0, 1].map((k) =>
    create(TaskSchema, {
      name: i % 10 === 0 ? `ünï 任务 😀 ${i}-${k}` : `task-${i}-${k}`,
      taskId: { value: `task-${i}-${k}` },
      frameworkId: FRAMEWORK.id,
      agentId: { value: id },
      state: TaskState.TASK_RUNNING,
      resources: parseResources("cpus:0.5;mem:32").toArray(),
    }),
  );
  const request = create(internal.AttachRequestSchema, {
    agentInfo: { hostname: `host-${i}`, id: { value: id }, resources: parseResources("cpus:2;mem:1024;disk:100").toArray() },
    endpoint: `http://host-${i}:5051`,
    version: "1.8.0",
    frameworks: [FRAMEWORK],
    tasks,
  });
  return new Promise((resolve, reject) => {
    const link = master.acceptAgentLink({
      send(reply) {
        if (fromBinary(internal.MasterMessageSchema, reply).message.case === "registered") resolve();
      },
      close: (code, reason) => reject(new Error(`${code} ${reason}`)),
    });
    link.message(toBinary(internal.AttachRequestSchema, request));
  });
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** GET_STATE's answer in JSON and in protobuf is the operator API's message encoded afresh; that message. */
async function expectGetStateFresh(master: InMemoryMaster, op: ReturnType<typeof createOperatorClient>, label: string): Promise<api.Response> {
  const reference = create(api.ResponseSchema, { type: api.Response_Type.GET_STATE, getState: await op.getState() });
  for (const format of ["json", "protobuf"] as const) {
    const res = await master.request("/api/v1", {
      method: "POST",
      body: '{"type":"GET_STATE"}',
      headers: { "Content-Type": "application/json", Accept: format === "json" ? "application/json" : "application/x-protobuf" },
    });
    const body: Uint8Array = new Uint8Array(await res.arrayBuffer());
    expect(body, `${label} ${format}`).toEqual(encodeMessage(api.ResponseSchema, reference, format));
  }
  return reference;
}

test("/state, the listings and GET_STATE (JSON and protobuf) of 150 agents and 300 tasks are the plain encoders' bytes, before and after a change", async () => {
  const master = await createInMemoryMaster(cleanup, { loops: false });
  for (let i = 0; i < AGENTS; i++) await attach(master, i);
  const fw = await startTestFramework(master.transport, FRAMEWORK);
  cleanup(() => fw.close());
  const op = createOperatorClient(master.transport);

  // biome-ignore lint/suspicious/noExplicitAny: v0 JSON read field by field
  const read = async (path: string): Promise<any> => {
    const res = await master.request(path);
    expect(res.status).toBe(200);
    const body = new Uint8Array(await res.arrayBuffer());
    const value = JSON.parse(new TextDecoder().decode(body));
    // Parsing keeps key order: this is JSON.stringify's encoding of the same value.
    expect(body).toEqual(utf8(JSON.stringify(value)));
    return value;
  };
  const checkGetState = () => expectGetStateFresh(master, op, "GET_STATE");
  // biome-ignore lint/suspicious/noExplicitAny: v0 JSON
  const agentOf = (state: any, id: string) => state.slaves.find((s: any) => s.id === id);

  /** /state-summary's counts (kept between reads, v0-listings.ts) against the tasks /state lists. */
  const checkSummary = async () => {
    const [state, summary] = [await read("/state"), await read("/state-summary")];
    // biome-ignore lint/suspicious/noExplicitAny: v0 JSON
    const tasks: { slave_id: string; state: string; framework_id: string }[] = state.frameworks.flatMap((f: any) => [
      ...f.tasks,
      ...f.unreachable_tasks,
      ...f.completed_tasks,
    ]);
    const count = (list: typeof tasks, name: string) => list.filter((t) => t.state === name).length;
    for (const s of summary.slaves) {
      const on = tasks.filter((t) => t.slave_id === s.id);
      for (const name of ["TASK_RUNNING", "TASK_FINISHED"]) expect(s[name]).toBe(count(on, name));
      expect(s.framework_ids).toEqual([...new Set(on.map((t) => t.framework_id))]);
    }
    expect(summary.frameworks[0].TASK_RUNNING).toBe(count(tasks, "TASK_RUNNING"));
    expect(summary.frameworks[0].TASK_FINISHED).toBe(count(tasks, "TASK_FINISHED"));
    expect(summary.frameworks[0].slave_ids).toEqual([...new Set(tasks.map((t) => t.slave_id))]);
  };

  const state = await read("/state");
  expect(state.slaves.map((s: { id: string }) => s.id)).toEqual([...master.ctx.agents.values()].map((a) => a.id));
  expect(state.slaves).toHaveLength(AGENTS);
  expect(state.frameworks[0].tasks).toHaveLength(2 * AGENTS);
  expect(agentOf(state, "kept-agent-100").used_resources.cpus).toBe(1);
  for (const path of ["/slaves", "/frameworks", "/state-summary", "/master/state"]) await read(path);
  await checkGetState();
  await checkSummary();

  // A task of an agent in a later block finishes: the framework's lists and that agent change.
  const task = master.ctx.tasks.active(FRAMEWORK.id.value).get("task-100-0")!;
  master.ctx.tasks.transition(
    task,
    create(TaskStatusSchema, { taskId: task.taskId, agentId: task.agentId, state: TaskState.TASK_FINISHED, source: TaskStatus_Source.EXECUTOR }),
  );
  const after = await read("/state");
  expect(agentOf(after, "kept-agent-100").used_resources.cpus).toBe(0.5);
  expect(agentOf(after, "kept-agent-99").used_resources.cpus).toBe(1);
  const listed: { id: string; state: string }[] = [...after.frameworks[0].tasks, ...after.frameworks[0].completed_tasks];
  const states = listed.filter((t) => t.id === "task-100-0").map((t) => t.state);
  expect(states).toEqual(["TASK_FINISHED"]);
  await read("/slaves");
  await checkGetState();
  await checkSummary();

  // Every agent is offered, then the offers are declined: agents' encodings are kept in pieces
  // around their offered resources (v0-json.ts, state-encoding.ts), which must be each agent's own
  // offers every time, in the plain encoders' bytes (read and checkGetState compare those).
  master.allocateNow();
  const offers = await fw.nextOffers();
  expect(offers.length).toBe(AGENTS);
  const cpusOffered = (id: string) =>
    offers
      .filter((o) => o.agentId!.value === id)
      .reduce((n, o) => n + o.resources.filter((r) => r.name === "cpus").reduce((m, r) => m + r.scalar!.value, 0), 0);
  const offered = await read("/state");
  for (const s of offered.slaves) {
    expect(s.offered_resources.cpus).toBe(cpusOffered(s.id));
    expect(s.offered_resources_full.find((r: { name: string }) => r.name === "cpus").scalar.value).toBe(cpusOffered(s.id));
  }
  expect(agentOf(offered, "kept-agent-100").offered_resources.cpus).toBe(1.5);
  // The framework's offered sum, kept while its offers stay the same (the OfferBook's revisions).
  const allCpus = [...new Set(offers.map((o) => o.agentId!.value))].reduce((n, id) => n + cpusOffered(id), 0);
  expect(offered.frameworks[0].offered_resources.cpus).toBeCloseTo(allCpus, 6);
  await read("/slaves");
  await checkGetState();
  await fw.sub.decline(offers.map((o) => o.id!.value));
  const declined = await read("/state");
  for (const s of declined.slaves) {
    expect(s.offered_resources).toEqual({ disk: 0, mem: 0, gpus: 0, cpus: 0 });
    expect(s.offered_resources_full).toEqual([]);
  }
  expect(declined.frameworks[0].offered_resources).toEqual({ disk: 0, mem: 0, gpus: 0, cpus: 0 });
  await checkGetState();
  // Offered the same again (as every other cycle under 1 s declines): each agent's text with its
  // offers was kept beside the one without (v0-json.ts), and must be its offers of now.
  await fw.sub.call({ type: scheduler.Call_Type.REVIVE });
  master.allocateNow();
  const again = await fw.nextOffers();
  expect(again.length).toBe(AGENTS);
  const offeredAgain = await read("/state");
  for (const s of offeredAgain.slaves) expect(s.offered_resources.cpus).toBe(cpusOffered(s.id));
  await read("/slaves");
  await checkGetState();
}, 60_000);

/** What the OfferBook holds for an agent, summed here without the read model (v0's summary form). */
const offeredOn = (master: InMemoryMaster, agentId: string) =>
  summarizeResources(Resources.of(master.ctx.offers.onAgent(agentId).flatMap((o) => [...o.resources])));

test("through random offers, declines, launches and task changes, every state view is the plain encoders' bytes and shows the OfferBook's offers", async () => {
  const master = await createInMemoryMaster(cleanup, { loops: false });
  for (let i = 0; i < 40; i++) await attach(master, i);
  const settled = await startTestFramework(master.transport, FRAMEWORK);
  const churn = await startTestFramework(master.transport, { name: "churn" });
  cleanup(() => (settled.close(), churn.close()));
  const op = createOperatorClient(master.transport);
  const random = seededRandom(Number(process.env.STATE_VIEWS_SEED ?? 9158));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let launched = 0;

  const check = async (step: string) => {
    const reference = await expectGetStateFresh(master, op, `${step}: GET_STATE`);
    // Each agent's offered resources and each framework's offers, against the OfferBook's.
    for (const a of reference.getState!.getAgents!.agents) {
      expect(summarizeResources(a.offeredResources), `${step}: GET_STATE ${a.agentInfo!.id!.value}`).toEqual(
        offeredOn(master, a.agentInfo!.id!.value),
      );
    }
    const state = JSON.parse(await (await master.request("/state")).text());
    for (const s of state.slaves) expect(s.offered_resources, `${step}: /state ${s.id}`).toEqual(offeredOn(master, s.id));
    for (const f of state.frameworks) {
      const book = master.ctx.offers.ofFramework(f.id);
      expect(f.offers.map((o: { id: string }) => o.id).sort(), `${step}: /state offers of ${f.name}`).toEqual(
        book.map((o) => o.offer.id!.value).sort(),
      );
      const offers = reference.getState!.getFrameworks!.frameworks.find((g) => g.frameworkInfo!.id!.value === f.id)!.offers;
      expect(offers.map((o) => o.id!.value).sort(), `${step}: GET_STATE offers of ${f.name}`).toEqual(book.map((o) => o.offer.id!.value).sort());
    }
  };

  await check("start");
  for (let step = 0; step < 30; step++) {
    const outstanding = master.ctx.offers.ofFramework(churn.sub.frameworkId);
    const action = pick(["offer", "offer", "decline some", "decline all", "launch", "finish"] as const);
    if (action === "offer") master.allocateNow();
    else if (action.startsWith("decline") && outstanding.length > 0) {
      const some = action === "decline all" ? outstanding : outstanding.filter(() => random() < 0.5);
      await churn.sub.decline(
        some.map((o) => o.offer.id!.value),
        0,
      );
    } else if (action === "launch" && outstanding.length > 0) {
      const offer = pick(outstanding);
      const taskId = `churn-${launched++}`;
      const task = {
        name: taskId,
        taskId: { value: taskId },
        agentId: { value: offer.agentId },
        command: { value: "sleep 1" },
        resources: parseResources("cpus:0.1;mem:32").toArray(),
      };
      await churn.sub.accept([offer.offer.id!.value], [{ type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: [task] } }], 0);
    } else if (action === "finish") {
      const tasks = [...master.ctx.tasks.active(FRAMEWORK.id.value).values(), ...master.ctx.tasks.active(churn.sub.frameworkId).values()];
      const task = pick(tasks);
      const state = pick([TaskState.TASK_RUNNING, TaskState.TASK_FINISHED, TaskState.TASK_FAILED]);
      master.ctx.tasks.transition(
        task,
        create(TaskStatusSchema, { taskId: task.taskId, agentId: task.agentId, state, source: TaskStatus_Source.EXECUTOR }),
      );
    }
    await check(`step ${step} (${action})`);
  }
  expect(launched).toBeGreaterThan(0);
}, 60_000);
