/**
 * A master that does not lead answers the v0 endpoints Mesos 1.8 serves only on the leader with
 * 307 to the same path and query there (Master::Http::redirect, a protocol-relative Location),
 * before it looks at the method or the body; 503 "No leader elected" when no leader is known.
 * `/redirect` goes to the leader's base URL; `/flags`, `/health` and `/version` answer anywhere.
 */
import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { MasterInfoSchema } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();
const other = create(MasterInfoSchema, { id: "other", ip: 0, port: 5050, hostname: "leader.example" });

const LEADER_ONLY = ["state", "state-summary", "slaves", "frameworks", "tasks", "roles", "reserve", "unreserve"]
  .concat(["create-volumes", "destroy-volumes", "quota", "quota/role1", "weights", "teardown"])
  .flatMap((p) => [`/${p}`, `/master/${p}`]);

test("every leader-only v0 endpoint redirects to the leader, whatever the method, keeping the query", async () => {
  const follower = await createInMemoryMaster(cleanup, { loops: false, leader: () => other });
  for (const path of LEADER_ONLY) {
    for (const method of ["GET", "POST", "DELETE"]) {
      const r = await follower.request(`${path}?jsonp=cb&x=1`, { method });
      expect([path, method, r.status, r.headers.get("Location")]).toEqual([path, method, 307, `//leader.example:5050${path}?jsonp=cb&x=1`]);
    }
  }
  const base = await follower.request("/master/redirect");
  expect([base.status, base.headers.get("Location")]).toEqual([307, "//leader.example:5050"]);
  for (const path of ["/master/flags", "/flags", "/health", "/version"]) {
    expect([path, (await follower.request(path)).status]).toEqual([path, 200]);
  }
});

test("without a leader: 503 'No leader elected'; the leader itself answers", async () => {
  let leader: typeof other | undefined;
  const master = await createInMemoryMaster(cleanup, { loops: false, leader: (self) => leader ?? self });
  expect((await master.request("/master/state")).status).toBe(200);
  // A GET of a POST-only endpoint on the leader is the method's error, not a redirect.
  expect((await master.request("/master/reserve")).status).toBe(405);
  leader = undefined;
  const orphan = await createInMemoryMaster(cleanup, { loops: false, leader: () => undefined });
  for (const path of ["/master/state", "/master/reserve", "/master/quota"]) {
    const r = await orphan.request(path, { method: "POST" });
    expect([path, r.status, await r.text()]).toEqual([path, 503, "No leader elected"]);
  }
});
