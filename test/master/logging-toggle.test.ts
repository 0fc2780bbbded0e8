/**
 * libprocess's `/logging/toggle` on the master and the agent (Mesos 1.8's logging.cpp): the level
 * without a query; `level` and `duration` raise it for that long, then the original comes back;
 * stout's errors for a missing, non-numeric, negative or lower level and a malformed duration. It
 * shares the level with the operator API's GET_LOGGING_LEVEL.
 */
import { expect, test } from "bun:test";
import { ManualClock } from "@mesos/core";
import { useCleanups } from "../support/cleanups.ts";
import { attachInMemoryAgent, createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

test("the master's /logging/toggle: read, raise for a duration, revert; GET_LOGGING_LEVEL agrees", async () => {
  const clock = new ManualClock();
  const master = await createInMemoryMaster(cleanup, { clock, loops: false });
  const toggle = async (query: string, method = "GET") => {
    const r = await master.request(`/logging/toggle${query}`, { method });
    return [r.status, await r.text()];
  };
  const original = master.ctx.loggingLevel.original();
  expect(await toggle("")).toEqual([200, `${original}\n`]);
  expect(await toggle("?level=3")).toEqual([400, "Expecting 'duration=value' in query.\n"]);
  expect(await toggle("?duration=1secs")).toEqual([400, "Expecting 'level=value' in query.\n"]);
  expect(await toggle("?level=x&duration=1secs")).toEqual([400, "Failed to convert 'x' to number.\n"]);
  expect(await toggle("?level=-1&duration=1secs")).toEqual([400, "Invalid level '-1'.\n"]);
  expect(await toggle("?level=3&duration=10")).toEqual([400, "Invalid duration '10'.\n"]);
  expect(await toggle("?level=3&duration=10years")).toEqual([
    400,
    "Unknown duration unit 'years'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'.\n",
  ]);
  expect(await toggle("?level=3&duration=10secs", "POST")).toEqual([200, ""]);
  expect(await toggle("")).toEqual([200, "3\n"]);
  const get = await master.request("/api/v1", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ type: "GET_LOGGING_LEVEL" }),
  });
  expect(await get.json()).toEqual({ type: "GET_LOGGING_LEVEL", get_logging_level: { level: 3 } });
  clock.advance(9_000);
  expect(await toggle("")).toEqual([200, "3\n"]);
  clock.advance(1_000);
  expect(await toggle("")).toEqual([200, `${original}\n`]);
  if (original > 0) expect((await toggle(`?level=${original - 1}&duration=1secs`))[1]).toBe(`'${original - 1}' < original level.\n`);
});

test("the agent serves /logging/toggle too", async () => {
  const master = await createInMemoryMaster(cleanup, { loops: false });
  const linked = await attachInMemoryAgent(master, cleanup, {});
  await linked.registered;
  const r = await linked.agent.app.request("http://agent/logging/toggle?level=2&duration=1mins");
  expect(r.status).toBe(200);
  expect(await (await linked.agent.app.request("http://agent/logging/toggle")).text()).toBe("2\n");
});
