/**
 * A scheduler written against Mesos's v1 HTTP API alone (fetch and RecordIO, no Connect) runs a
 * task from start to end: subscribe, take an offer, launch, acknowledge every update, tear down.
 * Once with JSON bodies and once with protobuf bodies.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { JsonObject } from "@bufbuild/protobuf";
import type { RunningAgent } from "@mesos/agent";
import type { RunningMaster } from "@mesos/master";
import { scheduler } from "@mesos/proto";
import { eventually, startTestAgent, startTestMaster } from "../support/cluster.ts";
import { type EventReader, type HttpCodec, jsonCodec, post, protobufCodec, subscribeHttp } from "../support/http-api.ts";

let master: RunningMaster;
let agent: RunningAgent;

beforeAll(async () => {
  master = await startTestMaster();
  agent = await startTestAgent(master);
  await agent.registered;
});
afterAll(async () => {
  await agent.stop();
  await master.stop();
});

const codecs: HttpCodec[] = [jsonCodec, protobufCodec(scheduler.CallSchema, scheduler.EventSchema)];

describe.each(codecs.map((c) => [c.name, c] as const))("a v1 HTTP scheduler speaking %s", (_, codec) => {
  const name = `http-${codec.name}`;
  let stream: EventReader;
  let frameworkId: JsonObject;
  let streamId: string;
  const url = () => `${master.url}/api/v1/scheduler`;
  const call = (body: JsonObject) => post(url(), codec, { framework_id: frameworkId, ...body }, { "Mesos-Stream-Id": streamId });

  test("SUBSCRIBE: 200, a stream id, the records' media type, SUBSCRIBED first", async () => {
    stream = await subscribeHttp(url(), codec, {
      type: "SUBSCRIBE",
      subscribe: { framework_info: { user: "root", name, roles: ["*"], capabilities: [{ type: "MULTI_ROLE" }] } },
    });
    expect(stream.response.headers.get("Content-Type")).toBe(codec.mediaType);
    streamId = stream.response.headers.get("Mesos-Stream-Id")!;
    expect(streamId).toMatch(/^[0-9a-f-]{36}$/);
    const subscribed = await stream.next("SUBSCRIBED");
    expect(stream.events[0]).toBe(subscribed);
    const body = subscribed.subscribed as JsonObject;
    expect(body.heartbeat_interval_seconds).toBe(15);
    expect((body.master_info as JsonObject).id).toBe(master.ctx.info.id);
    frameworkId = body.framework_id as JsonObject;
    expect(master.ctx.frameworks.get(frameworkId.value as string)?.info.name).toBe(name);
  });

  test("an offer arrives; ACCEPT with LAUNCH answers 202 with no body", async () => {
    const offers = await stream.next("OFFERS");
    const offer = ((offers.offers as JsonObject).offers as JsonObject[])[0]!;
    expect(offer.agent_id).toEqual({ value: agent.ctx.info.id!.value });
    const res = await call({
      type: "ACCEPT",
      accept: {
        offer_ids: [offer.id!],
        operations: [
          {
            type: "LAUNCH",
            launch: {
              task_infos: [
                {
                  name: "hello",
                  task_id: { value: `task-${codec.name}` },
                  agent_id: offer.agent_id!,
                  command: { value: "echo hello" },
                  resources: [
                    { name: "cpus", type: "SCALAR", scalar: { value: 0.1 }, allocation_info: { role: "*" } },
                    { name: "mem", type: "SCALAR", scalar: { value: 32 }, allocation_info: { role: "*" } },
                  ],
                },
              ],
            },
          },
        ],
        filters: { refuse_seconds: 1000 },
      },
    });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
  });

  test("every update is acknowledged (202) until TASK_FINISHED", async () => {
    const seen: string[] = [];
    for (;;) {
      const update = await stream.next("UPDATE");
      const status = (update.update as JsonObject).status as JsonObject;
      expect((status.task_id as JsonObject).value).toBe(`task-${codec.name}`);
      seen.push(status.state as string);
      if (status.uuid) {
        const ack = await call({ type: "ACKNOWLEDGE", acknowledge: { agent_id: status.agent_id!, task_id: status.task_id!, uuid: status.uuid } });
        expect(ack.status).toBe(202);
      }
      if (status.state === "TASK_FINISHED") break;
    }
    expect(seen).toContain("TASK_RUNNING");
    // The terminal update's acknowledgement moved the task to the completed list.
    const fw = master.ctx.frameworks.get(frameworkId.value as string)!;
    await eventually(() => master.ctx.tasks.completed(fw.id).some((t) => t.taskId?.value === `task-${codec.name}`), 10_000, "the task to complete");
  });

  test("TEARDOWN: 202, then the stream ends and the framework is completed", async () => {
    const res = await call({ type: "TEARDOWN" });
    expect(res.status).toBe(202);
    expect(await stream.ended).toBeUndefined();
    expect(master.ctx.frameworks.completed().some((f) => f.id === frameworkId.value)).toBe(true);
  });
});
