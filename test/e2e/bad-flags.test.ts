/** A malformed flag or resource string stops the process at start-up with a message naming it. */
import { expect, test } from "bun:test";
import { tempDir } from "../support/cluster.ts";
import { runMesos } from "../support/binary.ts";

test.each([
  [["master", "--port=abc", "--registry=in_memory"], "Failed to load flag 'port': expected an integer, got 'abc'"],
  [["master", "--registry=in_memory", "--allocation_interval=fast"], "Failed to load flag 'allocation_interval'"],
  [["master", "--registry=in_memory", "--min_allocatable_resources=cpus:-1"], "Bad resource quantity 'cpus:-1'"],
  [["master", "--bogus=1"], "unknown flag '--bogus'"],
  [["master", "--registry=in_memory", "--logging_level=verbose"], "'verbose' is not a valid logging level"],
  [
    ["master", "--registry=in_memory", "--authenticate_frameworks"],
    "Failed to load flag 'authenticate_frameworks': only 'false' is supported: authentication is not built into this master",
  ],
  [["master"], "'--work_dir' is required"],
  [["agent", "--work_dir=/tmp/x"], "Flag '--master' is required"],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--resources=cpus:abc"], "Bad value for resource 'cpus:abc'"],
  [["agent", "--master=nowhere", "--work_dir=WORK"], "Flag '--master' must be HOST:PORT"],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--launcher=docker"], "expected one of linux, posix"],
  [["execute", "--master=127.0.0.1:1", "--name=x", "--command=true", "--resources=cpus:1;;mem:x"], "Bad value for resource 'mem:x'"],
  // Mesos 1.8's bounds, with its messages.
  [["master", "--registry=in_memory", "--offer_timeout=0secs"], "Invalid value '0ns' for --offer_timeout: Must be greater than zero"],
  [["master", "--registry=in_memory", "--agent_ping_timeout=10ms"], "Expected `--agent_ping_timeout` to be between 1secs and 15mins"],
  [["master", "--registry=in_memory", "--agent_reregister_timeout=1secs"], "for --agent_reregister_timeout: Must be at least 10mins"],
  [["master", "--registry=in_memory", "--max_agent_ping_timeouts=0"], "Expected `--max_agent_ping_timeouts` to be at least 1"],
  [["master", "--registry=in_memory", "--min_allocatable_resources=cpus:5e-324"], "Subnormal values not supported"],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--resources=cpus:5e-324"], "Invalid scalar value '5e-324': Subnormal values not supported"],
  // Addresses, ports, counts and durations name the flag and the value.
  [["master", "--registry=in_memory", "--ip=999.1.1.1"], "Failed to load flag 'ip': Failed to parse IPv4: '999.1.1.1'"],
  [["master", "--registry=in_memory", "--ip=not-an-ip"], "Failed to load flag 'ip': Failed to parse IPv4: 'not-an-ip'"],
  [["master", "--registry=in_memory", "--advertise_ip=bogus"], "Failed to load flag 'advertise_ip'"],
  [["master", "--registry=in_memory", "--ip=192.0.2.1", "--port=0"], "Failed to listen on 192.0.2.1:0 (--ip, --port)"],
  [["master", "--registry=in_memory", "--port=70000"], "Failed to load flag 'port': expected a port number (0-65535), got '70000'"],
  [["master", "--registry=in_memory", "--advertise_port=-1"], "Failed to load flag 'advertise_port'"],
  [["master", "--registry=in_memory", "--max_completed_frameworks=-1"], "expected a non-negative integer, got '-1'"],
  [["master", "--registry=in_memory", "--allocation_interval=99999999999weeks"], "longer than a duration can be"],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--ip=1.2.3"], "Failed to load flag 'ip'"],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--port=65536"], "Failed to load flag 'port'"],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--http_heartbeat_interval=0secs"], "'--http_heartbeat_interval' must be greater than zero"],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--launch_timeout=0ms"], "'--launch_timeout' must be greater than zero"],
  [
    ["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--registration_backoff_factor=2mins"],
    "Invalid value '2mins' for --registration_backoff_factor: Must be less than 1mins",
  ],
  // Container images: a malformed --docker_config or --image_gc_config, an unknown provider, Mesos's start-up checks.
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--docker_config={nope"], "Failed to load flag 'docker_config': Failed to parse the JSON"],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--docker_config=/no/such/file"], "'/no/such/file' is neither JSON nor an existing file"],
  [
    ["agent", "--master=127.0.0.1:1", "--work_dir=WORK", '--docker_config={"auths": {"r.io": {"auth": "bm9jb2xvbg=="}}}'],
    "'auth' is not base64 of USER:PASSWORD",
  ],
  [["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--image_providers=appc"], "unsupported image provider 'appc' (supported: docker)"],
  // The volume isolators need what Mesos's need.
  [
    ["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--launcher=posix", "--isolation=volume/host_path"],
    "Cannot use isolator 'volume/host_path': 'linux' launcher must be used",
  ],
  [
    ["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--launcher=posix", "--isolation=volume/secret"],
    "Cannot use isolator 'volume/secret': Volume secret isolation requires filesystem/linux isolator.",
  ],
  [
    ["agent", "--master=127.0.0.1:1", "--work_dir=WORK", '--image_gc_config={"image_disk_headroom": 2}'],
    "Failed to load flag 'image_gc_config': 'image_disk_headroom' must be a number between 0.0 and 1.0",
  ],
  [
    ["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--image_providers=docker"],
    "The 'filesystem/linux' isolator must be enabled for container image support",
  ],
  [
    ["agent", "--master=127.0.0.1:1", "--work_dir=WORK", "--image_providers=docker", "--isolation=filesystem/linux", "--launcher=posix"],
    "The 'linux' launcher must be used for container image support",
  ],
  // `mesos local` stops (the master too) when its agent cannot start.
  [["local", "--work_dir=WORK", "--port=0", "--resources=cpus:-1"], "Bad value for resource 'cpus:-1'"],
  [["local", "--work_dir=WORK", "--port=0", "--resources=ports:[5-1]"], "Bad value for resource 'ports:[5-1]'"],
  [["local", "--work_dir=WORK", "--port=0", "--isolation=bogus"], "Unknown isolator 'bogus' in --isolation"],
  [["local", "--work_dir=WORK", "--port=0", "--agent_port=-5"], "Failed to load flag 'agent_port': expected a port number (0-65535), got '-5'"],
  [["local", "--work_dir=WORK", "--ip=999.1.1.1"], "Failed to load flag 'ip'"],
  // `mesos local` takes every agent and master flag, checked as that daemon checks it (as Mesos's mesos-local).
  [
    ["local", "--work_dir=WORK", "--port=0", "--isolation=linux/seccomp", "--seccomp_config_dir=/no/such/dir"],
    "Cannot use isolator 'linux/seccomp': Flag '--seccomp_config_dir': '/no/such/dir' is not a directory",
  ],
  [["local", "--work_dir=WORK", "--port=0", "--offer_timeout=0secs"], "Invalid value '0ns' for --offer_timeout: Must be greater than zero"],
  [["local", "--work_dir=WORK", "--port=0", "--bogus=1"], "unknown flag '--bogus'"],
  [["local", "--work_dir=WORK", "--port=0", "--master=127.0.0.1:1"], "unknown flag '--master'"],
])("mesos %j fails with a clear message", async (args, message) => {
  const work = tempDir("bad-flags");
  const r = await runMesos(args.map((a) => a.replace("WORK", work)));
  // Daemons exit 1; the CLI's verbs exit 64 (EX_USAGE) for bad input.
  expect(r.code).toBe(args[0] === "execute" ? 64 : 1);
  expect(r.stderr).toContain(message);
});

test("an unknown verb lists the verbs", async () => {
  const r = await runMesos(["fly"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("Unknown verb 'fly'");
  expect(r.stderr).toContain("execute");
});
