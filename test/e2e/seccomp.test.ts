/**
 * linux/seccomp with the compiled binary: `mesos agent` refuses to start without what the isolator
 * needs (with a message saying what), `mesos seccomp check`, and a compiled agent whose launch
 * helper (the binary itself) installs the Mesos 1.8 example profile for a root and a non-root task.
 */
import { afterAll, expect, test } from "bun:test";
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { seccompSupported } from "@mesos/linux";
import { TaskState } from "@mesos/proto";
import { startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework } from "../support/framework.ts";
import { runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";

const EXAMPLE = new URL("../../plugins/linux-seccomp/test-fixtures/mesos-1.8-example-profile.json", import.meta.url).pathname;
const isRoot = process.getuid?.() === 0;
const support = seccompSupported();
const skip = !isRoot ? "it needs root" : !support.supported ? `the kernel cannot run seccomp filters: ${support.reason}` : undefined;
if (skip) console.warn(`SKIPPING the compiled linux/seccomp tests that need a root agent: ${skip}`);

const cleanup = useCleanups();
afterAll(stopAllDaemons);

function profiles(): string {
  const dir = tempDir("seccomp-profiles");
  copyFileSync(EXAMPLE, join(dir, "example.json"));
  writeFileSync(join(dir, "bad.json"), '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOPE"}]}');
  writeFileSync(
    join(dir, "deny-mkdir.json"),
    JSON.stringify({
      defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", args: [], includes: {}, excludes: {} }],
    }),
  );
  return dir;
}

test.each([
  [[], "Cannot use isolator 'linux/seccomp': Flag '--seccomp_config_dir' is required"],
  [["--seccomp_config_dir=/no/such/dir"], "Cannot use isolator 'linux/seccomp': Flag '--seccomp_config_dir': '/no/such/dir' is not a directory"],
  [
    ["--seccomp_config_dir=PROFILES", "--seccomp_profile_name=missing.json"],
    "cannot use the default profile: Seccomp profile 'missing.json' not found in --seccomp_config_dir",
  ],
  [
    ["--seccomp_config_dir=PROFILES", "--seccomp_profile_name=bad.json"],
    "cannot use the default profile: Invalid seccomp profile 'bad.json': syscalls[0].action: unknown action 'SCMP_ACT_NOPE'",
  ],
  [["--seccomp_config_dir=PROFILES", "--seccomp_profile_name=../bad.json"], "Seccomp profile name '../bad.json' escapes --seccomp_config_dir"],
])("mesos agent --isolation=linux/seccomp %j exits 1 saying why", async (extra, message) => {
  // A missing --seccomp_config_dir is found before root and the kernel are checked; the rest after.
  if (extra.length > 0 && skip) return;
  const dir = profiles();
  const r = await runMesos([
    "agent",
    "--master=127.0.0.1:1",
    `--work_dir=${tempDir("agent")}`,
    "--port=0",
    "--isolation=linux/seccomp",
    ...extra.map((a) => a.replace("PROFILES", dir)),
  ]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(message);
});

test("mesos seccomp check: the example loads (instructions, worst-case path, warnings); a bad profile lists its errors", async () => {
  const dir = profiles();
  const ok = await runMesos(["seccomp", "check", join(dir, "example.json")]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain("example.json: OK");
  expect(ok.stdout).toMatch(/instructions: +\d+/);
  expect(ok.stdout).toMatch(/worst-case path: \d+ instructions \(target <= 3\*log2\(rules\)\+10 = [\d.]+\)/);
  expect(ok.stdout).toContain("unknown syscall 'recv'");
  const bad = await runMesos(["seccomp", "check", join(dir, "bad.json")]);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toContain("bad.json: INVALID");
  expect(bad.stdout).toContain("syscalls[0].action: unknown action 'SCMP_ACT_NOPE'");
  const missing = await runMesos(["seccomp", "check", join(dir, "nope.json")]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("cannot read seccomp profile");
  const usage = await runMesos(["seccomp"]);
  expect(usage.code).toBe(1);
  expect(usage.stderr).toContain("Usage: mesos seccomp check PROFILE.json");
});

test.skipIf(skip !== undefined)(
  "compiled agent: the default profile for a root and a non-root task, a named one, warnings logged at start-up",
  async () => {
    const master = await startTestMaster();
    cleanup(() => master.stop());
    const workDir = tempDir("agent");
    for (let d = workDir; d !== dirname(d) && d.startsWith(process.env.MESOS_TEST_TMP!); d = dirname(d)) chmodSync(d, 0o755);
    const agent = startDaemon([
      "agent",
      `--master=${master.url.replace("http://", "")}`,
      `--work_dir=${workDir}`,
      "--port=0",
      "--resources=cpus:2;mem:1024;disk:100",
      "--registration_backoff_factor=10ms",
      "--isolation=linux/seccomp",
      `--seccomp_config_dir=${profiles()}`,
      "--seccomp_profile_name=example.json",
    ]);
    cleanup(() => agent.kill("SIGKILL"));
    await agent.waitFor(/Registered with master/);
    expect(agent.output()).toContain("Seccomp profile 'example.json': syscalls[0].names[182]: unknown syscall 'recv'");
    expect(agent.output()).toMatch(/Seccomp default profile 'example.json': \d+ BPF instructions/);

    const fw = await startTestFramework(master.url);
    cleanup(() => fw.close());
    const [offer] = await fw.nextOffers();
    const task = (id: string, command: string, extra: object = {}) => ({
      name: id,
      taskId: { value: id },
      agentId: offer!.agentId,
      command: { value: command, ...extra },
      resources: [
        { name: "cpus", type: 0, scalar: { value: 0.1 } },
        { name: "mem", type: 0, scalar: { value: 32 } },
      ],
    });
    await fw.sub.accept(
      [offer!.id!.value],
      [
        {
          type: 1,
          launch: {
            taskInfos: [
              task("root", "sh -c 'echo ok'; unshare -m true && echo unshare-ok"),
              task("nobody", "echo ok; unshare -U true 2>/dev/null || echo unshare-denied", { user: "nobody" }),
              {
                ...task("named", "mkdir d 2>/dev/null || echo mkdir-denied"),
                container: { type: 2, linuxInfo: { seccomp: { profileName: "deny-mkdir.json" } } },
              },
            ],
          },
        },
      ],
    );
    const stdout = (id: string) =>
      readFileSync(
        join(workDir, "slaves", offer!.agentId!.value, "frameworks", fw.sub.frameworkId, "executors", id, "runs", "latest", "stdout"),
        "utf8",
      );
    for (const id of ["root", "nobody", "named"]) await fw.waitForStatus(id, TaskState.TASK_FINISHED, 30_000);
    expect(stdout("root")).toBe("ok\nunshare-ok\n");
    expect(stdout("nobody")).toBe("ok\nunshare-denied\n");
    expect(stdout("named")).toBe("mkdir-denied\n");
  },
  90_000,
);
