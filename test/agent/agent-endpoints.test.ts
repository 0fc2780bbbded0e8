/**
 * Mesos 1.8's agent routes its endpoints on the `slave(1)` process and delegates the root to it, so
 * every agent endpoint answers both at `/x` and at `/slave(1)/x` (`/version` is process-wide).
 * One agent built in memory, asked through `app.request()`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createInMemoryAgent, type InMemoryAgent, register } from "../support/in-memory-agent.ts";

let agent: InMemoryAgent;
beforeAll(async () => {
  agent = await createInMemoryAgent();
  register(agent);
});
afterAll(() => agent.stop());

test.each(["/health", "/flags", "/state", "/containers"])("%s answers 200 at the root and under /slave(1)", async (path) => {
  for (const at of [path, `/slave(1)${path}`]) {
    const res = await agent.app.request(at);
    expect({ at, status: res.status }).toEqual({ at, status: 200 });
  }
});

test("/health has an empty body, as Mesos's", async () => {
  const res = await agent.app.request("/slave(1)/health");
  expect(await res.text()).toBe("");
});

test("/api/v1 answers under /slave(1) too", async () => {
  const res = await agent.app.request("/slave(1)/api/v1", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ type: "GET_HEALTH" }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ type: "GET_HEALTH", get_health: { healthy: true } });
});
