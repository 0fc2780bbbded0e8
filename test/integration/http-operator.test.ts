/**
 * The master's `POST /api/v1` SUBSCRIBE event stream over HTTP, in JSON and protobuf: a task from
 * added to finished on a real agent, agents and frameworks coming and going. The other calls,
 * heartbeats, the cap on subscribers and the error statuses: test/master/http-operator.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { JsonObject } from "@bufbuild/protobuf";
import type { RunningAgent } from "@mesos/agent";
import type { RunningMaster } from "@mesos/master";
import { master as operator, TaskState } from "@mesos/proto";
import { startTestAgent, startTestMaster } from "../support/cluster.ts";
import { startTestFramework } from "../support/framework.ts";
import { type HttpCodec, jsonCodec, post, protobufCodec, subscribeHttp } from "../support/http-api.ts";

const pbCodec: HttpCodec = {
  ...protobufCodec(operator.CallSchema, operator.EventSchema),
  name: "protobuf",
};

describe.each([jsonCodec, pbCodec].map((c) => [c.name, c] as const))("SUBSCRIBE in %s", (_, codec) => {
  let m: RunningMaster;
  let agent: RunningAgent | undefined;
  beforeAll(async () => {
    m = await startTestMaster();
  });
  afterAll(async () => {
    await agent?.stop();
    await m.stop();
  });

  test("an operator sees an agent, a framework and a task from added to finished, then their removal", async () => {
    const stream = await subscribeHttp(`${m.url}/api/v1`, codec, { type: "SUBSCRIBE" });
    expect(stream.response.headers.get("Content-Type")).toBe(codec.mediaType);
    const subscribed = (await stream.next("SUBSCRIBED")).subscribed as JsonObject;
    expect(subscribed.heartbeat_interval_seconds).toBe(15);
    expect(subscribed.get_state).toBeDefined();

    agent = await startTestAgent(m);
    const agentId = await agent.registered;
    const added = (await stream.next("AGENT_ADDED")).agent_added as JsonObject;
    expect((added.agent as JsonObject).agent_info).toMatchObject({ id: { value: agentId } });

    const fw = await startTestFramework(m.url, { name: `ops-${codec.name}` });
    const fwAdded = (await stream.next("FRAMEWORK_ADDED")).framework_added as JsonObject;
    expect((fwAdded.framework as JsonObject).framework_info).toMatchObject({ name: `ops-${codec.name}`, id: { value: fw.sub.frameworkId } });

    const [offer] = await fw.nextOffers();
    await fw.sub.accept(
      [offer!.id!.value],
      [
        {
          type: 1,
          launch: {
            taskInfos: [
              {
                name: "watched",
                taskId: { value: "watched" },
                agentId: offer!.agentId,
                command: { value: "echo watched" },
                resources: [{ name: "cpus", type: 0, scalar: { value: 0.1 } }],
              },
            ],
          },
        },
      ],
    );
    const taskAdded = ((await stream.next("TASK_ADDED")).task_added as JsonObject).task as JsonObject;
    expect(taskAdded).toMatchObject({ task_id: { value: "watched" }, state: "TASK_STAGING", framework_id: { value: fw.sub.frameworkId } });
    const isWatched = (e: JsonObject) => (((e.task_updated as JsonObject).status as JsonObject).task_id as JsonObject).value === "watched";
    const states: string[] = [];
    for (;;) {
      const updated = (await stream.next("TASK_UPDATED", isWatched)).task_updated as JsonObject;
      expect(updated.framework_id).toEqual({ value: fw.sub.frameworkId });
      states.push(updated.state as string);
      if (updated.state === "TASK_FINISHED") break;
    }
    // Each state once, in order (the agent may report RUNNING and FINISHED before STARTING is acknowledged).
    expect(states).toEqual([...new Set(states)]);
    expect(states.at(-1)).toBe("TASK_FINISHED");
    await fw.waitForStatus("watched", TaskState.TASK_FINISHED);

    // A task still running when its framework goes is killed by the master: subscribers hear of it.
    const [next] = await fw.nextOffers();
    await fw.sub.accept(
      [next!.id!.value],
      [
        {
          type: 1,
          launch: {
            taskInfos: [
              {
                name: "left",
                taskId: { value: "left" },
                agentId: next!.agentId,
                command: { value: "sleep 1000" },
                resources: [{ name: "cpus", type: 0, scalar: { value: 0.1 } }],
              },
            ],
          },
        },
      ],
    );
    await fw.waitForStatus("left", TaskState.TASK_RUNNING);
    await fw.sub.teardown();
    const killed = (await stream.next("TASK_UPDATED", (e) => (e.task_updated as JsonObject).state === "TASK_KILLED")).task_updated as JsonObject;
    expect((killed.status as JsonObject).task_id).toEqual({ value: "left" });
    expect((killed.status as JsonObject).reason).toBe("REASON_FRAMEWORK_REMOVED");
    const removed = (await stream.next("FRAMEWORK_REMOVED")).framework_removed as JsonObject;
    expect(removed.framework_info).toMatchObject({ id: { value: fw.sub.frameworkId } });

    const gone = await post(`${m.url}/api/v1`, codec, { type: "MARK_AGENT_GONE", mark_agent_gone: { agent_id: { value: agentId } } });
    expect(gone.status).toBe(200);
    expect(((await stream.next("AGENT_REMOVED")).agent_removed as JsonObject).agent_id).toEqual({ value: agentId });
    stream.close();
    fw.close();
  });
});
