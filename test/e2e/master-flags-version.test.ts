/**
 * The master's flags and version as Mesos 1.8's tools read them, from the compiled binary:
 * `--version` prints `mesos 1.8.0` and exits 0 (before required flags are checked, as Mesos's
 * daemons do); `/master/flags` and GET_FLAGS list every Mesos 1.8 master flag that has a default
 * (src/master/flags.cpp and the logging flags) with that default; `--hostname_lookup` (true) makes
 * the advertised hostname the name the IP resolves to; `/version` has Mesos's fields and formats.
 */
import { afterAll, expect, test } from "bun:test";
import { lookupService } from "node:dns/promises";
import { runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";

afterAll(stopAllDaemons);

/** Mesos 1.8.0's master flags with a default, and that default as `/master/flags` prints it. */
const MESOS_DEFAULTS: Record<string, string> = {
  version: "false",
  hostname_lookup: "true",
  root_submissions: "true",
  zk_session_timeout: "10secs",
  registry_strict: "false",
  registry_fetch_timeout: "1mins",
  registry_store_timeout: "20secs",
  log_auto_initialize: "true",
  agent_reregister_timeout: "10mins",
  recovery_agent_removal_limit: "100%",
  role_sorter: "drf",
  framework_sorter: "drf",
  allocation_interval: "1secs",
  authenticate_frameworks: "false",
  authenticate_agents: "false",
  authentication_v0_timeout: "15secs",
  authenticate_http_readwrite: "false",
  authenticate_http_readonly: "false",
  authenticate_http_frameworks: "false",
  authenticators: "crammd5",
  allocator: "HierarchicalDRF",
  filter_gpu_resources: "true",
  min_allocatable_resources: "cpus:0.01|mem:32",
  agent_ping_timeout: "15secs",
  max_agent_ping_timeouts: "5",
  authorizers: "local",
  http_authenticators: "basic",
  max_operator_event_stream_subscribers: "1000",
  max_completed_frameworks: "50",
  max_completed_tasks_per_framework: "1000",
  max_unreachable_tasks_per_framework: "1000",
  registry_gc_interval: "15mins",
  registry_max_agent_age: "2weeks",
  registry_max_agent_count: "102400",
  memory_profiling: "false",
  require_agent_domain: "false",
  publish_per_framework_metrics: "true",
  // logging::Flags, which the master's Flags extend.
  quiet: "false",
  logging_level: "INFO",
  logbufsecs: "0",
  initialize_driver_logging: "true",
};

test("`mesos master --version` and `mesos agent --version` print Mesos's version and exit 0", async () => {
  for (const verb of ["master", "agent"]) {
    const r = await runMesos([verb, "--version"]);
    expect([verb, r.code, r.stdout]).toEqual([verb, 0, "mesos 1.8.0\n"]);
  }
});

test("/master/flags and GET_FLAGS: every Mesos 1.8 master flag with a default; the hostname looked up; /version", async () => {
  const master = startDaemon(["master", "--registry=in_memory", "--ip=127.0.0.1", "--port=0"]);
  const url = (await master.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
  const flags = ((await (await fetch(`${url}/master/flags`)).json()) as { flags: Record<string, string> }).flags;
  for (const [name, value] of Object.entries(MESOS_DEFAULTS)) expect([name, flags[name]]).toEqual([name, value]);
  // Flags without a default are listed only when set, as Mesos lists them.
  expect(flags.hostname).toBeUndefined();
  const res = await fetch(`${url}/api/v1`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ type: "GET_FLAGS" }),
  });
  const listed = ((await res.json()) as { get_flags: { flags: { name: string; value: string }[] } }).get_flags.flags;
  expect(Object.fromEntries(listed.map((f) => [f.name, f.value]))).toEqual(flags);

  const info = (
    (await (await fetch(`${url}/api/v1`, { ...postJson, body: JSON.stringify({ type: "GET_MASTER" }) })).json()) as never as {
      get_master: { master_info: { hostname: string; address: { ip: string } } };
    }
  ).get_master.master_info;
  expect([info.hostname, info.address.ip]).toEqual([(await lookupService("127.0.0.1", 0)).hostname, "127.0.0.1"]);

  const version = (await (await fetch(`${url}/version`)).json()) as Record<string, unknown>;
  expect(version.version).toBe("1.8.0");
  expect(Number.isInteger(version.build_time)).toBe(true);
  expect(version.build_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  expect(typeof version.build_user).toBe("string");
});

const postJson = { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" } };

test("--no-hostname_lookup advertises the IP; --hostname wins over both", async () => {
  for (const [flag, hostname] of [
    ["--no-hostname_lookup", "127.0.0.1"],
    ["--hostname=master.example", "master.example"],
  ] as const) {
    const master = startDaemon(["master", "--registry=in_memory", "--ip=127.0.0.1", "--port=0", flag]);
    const url = (await master.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const state = (await (await fetch(`${url}/master/state`)).json()) as { hostname: string; flags: Record<string, string> };
    expect([flag, state.hostname]).toEqual([flag, hostname]);
    await master.kill();
  }
});
