/**
 * Maintenance calls refused with Mesos's messages, over the v1 operator API and the v0 endpoints:
 * every check of master/maintenance.cpp and master/http.cpp (schedule, START, STOP), the methods
 * the v0 endpoints take, bodies that are not what they should be, and a master that does not lead.
 */
import { expect, test } from "bun:test";
import { useCleanups } from "../support/cleanups.ts";
import { createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

const m1 = { hostname: "Machine1", ip: "10.0.0.1" };
const m2 = { hostname: "machine2", ip: "10.0.0.2" };
const m3 = { ip: "10.0.0.3" };
const unavailability = { start: { nanoseconds: 1_443_830_400_000_000_000 }, duration: { nanoseconds: 3_600_000_000_000 } };
const window = (...machine_ids: object[]) => ({ machine_ids, unavailability });

async function v1(master: InMemoryMaster, call: object): Promise<[number, string]> {
  const r = await master.request("/api/v1", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(call),
  });
  return [r.status, await r.text()];
}

async function v0(master: InMemoryMaster, path: string, body?: unknown, method = "POST"): Promise<[number, string]> {
  const r = await master.request(path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return [r.status, await r.text()];
}

const schedule = (master: InMemoryMaster, windows: object[]) =>
  v1(master, { type: "UPDATE_MAINTENANCE_SCHEDULE", update_maintenance_schedule: { schedule: { windows } } });
const down = (master: InMemoryMaster, machines: object[]) => v1(master, { type: "START_MAINTENANCE", start_maintenance: { machines } });
const up = (master: InMemoryMaster, machines: object[]) => v1(master, { type: "STOP_MAINTENANCE", stop_maintenance: { machines } });

test("a schedule is refused: empty window, machine without hostname or ip, bad ip, a machine twice, negative duration", async () => {
  const master = await createInMemoryMaster(cleanup, { loops: false });
  expect(await schedule(master, [window()])).toEqual([400, "List of machines in the maintenance window is empty"]);
  expect(await schedule(master, [window({})])).toEqual([400, "Both 'hostname' and 'ip' for a machine are empty"]);
  expect(await schedule(master, [window({ hostname: "h", ip: "10.0.0.256" })])).toEqual([400, "Failed to parse IPv4: 10.0.0.256"]);
  expect(await schedule(master, [window(m1), window({ hostname: "MACHINE1", ip: "10.0.0.1" })])).toEqual([
    400,
    `Machine '{"hostname":"MACHINE1","ip":"10.0.0.1"}' appears more than once in the schedule`,
  ]);
  expect(await schedule(master, [{ machine_ids: [m1], unavailability: { start: { nanoseconds: 0 }, duration: { nanoseconds: -1 } } }])).toEqual([
    400,
    "Unavailability 'duration' is negative",
  ]);
  // A window without its unavailability is not a Schedule at all (a required field).
  const [status, text] = await schedule(master, [{ machine_ids: [m1] }]);
  expect(status).toBe(400);
  expect(text).toContain("Missing required fields: update_maintenance_schedule.schedule.windows[0].unavailability");
  // Nothing was stored by any of them.
  expect(await v0(master, "/master/maintenance/schedule", undefined, "GET")).toEqual([200, "{}"]);
});

test("START and STOP are refused with Mesos's messages; a DOWN machine cannot leave the schedule", async () => {
  const master = await createInMemoryMaster(cleanup, { loops: false });
  expect(await down(master, [])).toEqual([400, "List of machines is empty"]);
  expect(await down(master, [{}])).toEqual([400, "Both 'hostname' and 'ip' for a machine are empty"]);
  expect(await down(master, [m1, m1])).toEqual([400, `Machine '{"hostname":"Machine1","ip":"10.0.0.1"}' appears more than once in the schedule`]);
  expect(await down(master, [m1])).toEqual([400, `Machine '{"hostname":"Machine1","ip":"10.0.0.1"}' is not part of a maintenance schedule`]);
  expect(await up(master, [m2])).toEqual([400, `Machine '{"hostname":"machine2","ip":"10.0.0.2"}' is not part of a maintenance schedule`]);

  expect(await schedule(master, [window(m1, m2), window(m3)])).toEqual([200, ""]);
  expect(await up(master, [m1])).toEqual([400, `Machine '{"hostname":"Machine1","ip":"10.0.0.1"}' is not in DOWN mode and cannot be brought up`]);
  expect(await down(master, [m1])).toEqual([200, ""]);
  expect(await down(master, [m1, m2])).toEqual([
    400,
    `Machine '{"hostname":"Machine1","ip":"10.0.0.1"}' is not in DRAINING mode and cannot be brought down`,
  ]);
  expect(await schedule(master, [window(m2, m3)])).toEqual([
    400,
    `Machine '{"hostname":"Machine1","ip":"10.0.0.1"}' is deactivated and cannot be removed from the schedule`,
  ]);
  // A refused call changed nothing: m2 is still DRAINING, m1 DOWN.
  const status = JSON.parse((await v0(master, "/master/maintenance/status", undefined, "GET"))[1]);
  expect(status).toEqual({ draining_machines: [{ id: m2 }, { id: m3 }], down_machines: [m1] });
});

test("the v0 endpoints: methods, bodies that are not JSON or not a list of machines, the same checks", async () => {
  const master = await createInMemoryMaster(cleanup, { loops: false });
  const [status, text] = await v0(master, "/master/maintenance/schedule", "{", "POST");
  expect(status).toBe(400);
  expect(text).toStartWith("Failed to parse body into JSON");
  // Unknown fields are ignored, as Mesos's JSON reading does: this machine is empty.
  expect(await v0(master, "/master/maintenance/schedule", { windows: [{ machine_ids: [{ hostnam: "x" }], unavailability }] })).toEqual([
    400,
    "Both 'hostname' and 'ip' for a machine are empty",
  ]);
  expect(await v0(master, "/maintenance/schedule", { windows: [window()] })).toEqual([400, "List of machines in the maintenance window is empty"]);
  expect(await v0(master, "/master/maintenance/schedule", undefined, "PUT")).toEqual([
    405,
    "405 Method Not Allowed. Expecting one of { 'GET', 'POST' }, but received 'PUT'.",
  ]);
  expect(await v0(master, "/master/maintenance/status", {}, "POST")).toEqual([
    405,
    "405 Method Not Allowed. Expecting one of { 'GET' }, but received 'POST'.",
  ]);
  expect(await v0(master, "/master/machine/down", undefined, "GET")).toEqual([
    405,
    "405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'.",
  ]);
  expect(await v0(master, "/master/machine/down", { hostname: "m" })).toEqual([400, "Expecting a JSON array of machines"]);
  expect((await v0(master, "/master/machine/up", [{ hostname: 5 }]))[0]).toBe(400);
  expect(await v0(master, "/master/machine/down", [])).toEqual([400, "List of machines is empty"]);
  expect(await v0(master, "/machine/up", [m1])).toEqual([
    400,
    `Machine '{"hostname":"Machine1","ip":"10.0.0.1"}' is not part of a maintenance schedule`,
  ]);
});

test("a master that does not lead redirects the v0 endpoints to the leader, or answers 503 without one", async () => {
  let leader: ReturnType<NonNullable<Parameters<typeof createInMemoryMaster>[1]>["leader"] & object> | undefined;
  const master = await createInMemoryMaster(cleanup, { loops: false, leader: () => leader });
  expect(await v0(master, "/master/maintenance/status", undefined, "GET")).toEqual([503, "No leader elected"]);
  leader = { ...master.ctx.info, id: "other", hostname: "leader.example", port: 5050 };
  const r = await master.request("/master/machine/down", { method: "POST", body: "[]" });
  expect([r.status, r.headers.get("Location")]).toEqual([307, "//leader.example:5050/master/machine/down"]);
});
