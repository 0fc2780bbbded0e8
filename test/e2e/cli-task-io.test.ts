/**
 * `mesos task attach|exec|kill` for real: the compiled binary runs `mesos local`, `mesos execute`
 * starts long-running tasks (some with a TTY), and the CLI is driven from a real terminal (tmux)
 * or with piped stdin.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, tempDir } from "../support/cluster.ts";
import { type Daemon, ensureBinary, runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";
import { startTerminal, stopTerminals, type TestTerminal, tmuxAvailable } from "../support/tmux.ts";

let master: string;
const env = () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tempDir("cli-home"), MESOS_MASTER: master });
const frameworks: Daemon[] = [];

async function startTask(name: string, command: string, extra: string[] = []): Promise<Daemon> {
  const d = startDaemon(["execute", `--master=${master}`, `--name=${name}`, `--command=${command}`, ...extra]);
  frameworks.push(d);
  await d.waitFor(new RegExp(`TASK_RUNNING for task '${name}'`));
  return d;
}

const mesos = (args: string[], stdin?: string) => runMesos(args, 60_000, { env: env(), stdin });

beforeAll(async () => {
  const local = startDaemon(["local", `--work_dir=${tempDir("cli-local")}`, "--port=0", "--resources=cpus:4;mem:2048;disk:1024"]);
  master = (await local.waitFor(/master http:\/\/([\d.]+:\d+)/))[1]!;
  await Promise.all([
    startTask("plain", "sleep 1000", ['--env={"FOO":"from-task"}']),
    startTask("tty-echo", 'while read line; do echo "echo:$line"; done', ["--tty"]),
    startTask("tty-ticker", "i=0; while :; do i=$((i+1)); echo tick$i; sleep 0.3; done", ["--tty"]),
    startTask("tty-winch", "trap 'echo size:$(stty size)' WINCH; while :; do sleep 0.1; done", ["--tty"]),
    startTask("tty-five", 'read x; echo "bye:$x"; exit 5', ["--tty"]),
  ]);
}, 60_000);

afterAll(async () => {
  stopTerminals();
  await stopAllDaemons();
});

const running = async () => (await mesos(["task", "list"])).stdout;

describe("task exec (no terminal)", () => {
  test("stdout and stderr stay apart; the exit code is the command's", async () => {
    const r = await mesos(["task", "exec", "plain", "--", "sh", "-c", "echo out; echo err >&2; exit 10"]);
    expect([r.code, r.stdout, r.stderr]).toEqual([10, "out\n", "err\n"]);
    expect((await mesos(["task", "exec", "plain", "true"])).code).toBe(0);
  });

  test("a command killed by a signal exits 128 + the signal", async () => {
    expect((await mesos(["task", "exec", "plain", "--", "sh", "-c", "kill -TERM $$"])).code).toBe(143);
  });

  test("-i streams stdin and its end reaches the command as EOF", async () => {
    const input = `${"x".repeat(5000)}\nlast line\n`;
    const r = await mesos(["task", "exec", "-i", "plain", "--", "wc", "-c"], input);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(String(input.length));
    const cat = await mesos(["task", "exec", "--interactive", "plain", "cat"], "hello\n");
    expect([cat.code, cat.stdout]).toEqual([0, "hello\n"]);
  });

  test("the command runs in the task's sandbox with its environment, plus HOME and PATH", async () => {
    const r = await mesos([
      "task",
      "exec",
      "plain",
      "--",
      "sh",
      "-c",
      'test "$PWD" = "$MESOS_SANDBOX" && echo "$FOO|$MESOS_TASK_ID|${HOME:+home}|$PATH"',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^from-task\|plain\|home\|\S*\/bin/);
  });

  test("without -t the command's stdin, stdout and stderr are pipes: bash is not interactive", async () => {
    const script = '[ -p /dev/stdin ] && [ -p /dev/stdout ] && [ -p /dev/stderr ] && echo pipes; case "$-" in *i*) echo interactive;; esac';
    const r = await mesos(["task", "exec", "plain", "--", "bash", "-c", script]);
    expect([r.code, r.stdout]).toEqual([0, "pipes\n"]);
    const piped = await mesos(["task", "exec", "-i", "plain", "bash"], script);
    expect([piped.code, piped.stdout]).toEqual([0, "pipes\n"]);
  });

  test("a missing task exits 2; -t without a terminal exits 64", async () => {
    const missing = await mesos(["task", "exec", "no-such-task", "true"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`Error: Unable to find running task 'no-such-task' from leading master '${master}'.\n`);
    const t = await mesos(["task", "exec", "-t", "plain", "true"]);
    expect(t.code).toBe(64);
    expect(t.stderr).toContain("Must be running in a terminal to use '--tty'");
  });

  test("a prefix names a task; an ambiguous one lists the candidates", async () => {
    expect((await mesos(["task", "exec", "pla", "true"])).code).toBe(0);
    const r = await mesos(["task", "exec", "tty-", "true"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toStartWith("Error: More than one running task matches 'tty-': ");
    for (const name of ["tty-echo", "tty-ticker", "tty-winch", "tty-five"]) expect(r.stderr).toContain(`${name} (framework `);
  });
});

describe("task attach without a terminal", () => {
  test("a task without a TTY cannot be attached to (Mesos's message, exit 1)", async () => {
    const r = await mesos(["task", "attach", "--no-stdin", "plain"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Error: Unable to attach to a task launched without a TTY.\n");
  });

  test("a missing task exits 2", async () => {
    expect((await mesos(["task", "attach", "--no-stdin", "nothing-here"])).code).toBe(2);
  });
});

describe.skipIf(!tmuxAvailable())("in a real terminal (tmux)", () => {
  const terminals: TestTerminal[] = [];
  const terminal = (args: string[], size?: { columns: number; rows: number }) => {
    const t = startTerminal([ensureBinary(), ...args], { env: env(), ...size });
    terminals.push(t);
    return t;
  };
  afterAll(() => {
    for (const t of terminals) t.close();
  });
  const restored = (stty: string) => {
    expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
    expect(stty).toMatch(/(^|\s)echo(\s|$)/);
  };

  test("attach: typed input reaches the task; Ctrl-P Ctrl-Q detaches, exit 0, the task keeps running", async () => {
    const t = terminal(["task", "attach", "tty-echo"]);
    await Bun.sleep(500);
    t.type("hello there");
    t.send(["Enter"]);
    await t.waitFor(/echo:hello there/);
    t.send(["C-p", "C-q"]);
    expect(await t.exitCode()).toBe(0);
    restored(await t.sttyAfter());
    expect(await running()).toContain("tty-echo");
  });

  test("attach --no-stdin shows the output; Ctrl-C ends only the CLI", async () => {
    const t = terminal(["task", "attach", "--no-stdin", "tty-ticker"]);
    await t.waitFor(/tick\d+/);
    t.send(["C-c"]);
    expect(await t.exitCode()).toBe(130);
    restored(await t.sttyAfter());
    expect(await running()).toContain("tty-ticker");
  });

  test("attach: the window size reaches the task, at start and on resize", async () => {
    const t = terminal(["task", "attach", "tty-winch"], { columns: 100, rows: 30 });
    await t.waitFor(/size:30 100/);
    t.resize(70, 20);
    await t.waitFor(/size:20 70/);
    t.send(["C-p", "C-q"]);
    expect(await t.exitCode()).toBe(0);
  });

  test("attach: the exit code is the task's when it ends while attached", async () => {
    const t = terminal(["task", "attach", "tty-five"]);
    await Bun.sleep(500);
    t.type("now");
    t.send(["Enter"]);
    await t.waitFor(/bye:now/);
    expect(await t.exitCode()).toBe(5);
    restored(await t.sttyAfter());
  });

  test("attach: a task without a TTY is refused, and the terminal is left as it was", async () => {
    const t = terminal(["task", "attach", "plain"]);
    await t.waitFor(/Error: Unable to attach to a task launched without a TTY\./);
    expect(await t.exitCode()).toBe(1);
    restored(await t.sttyAfter());
  });

  test("exec without -i: Ctrl-C ends the CLI (130) and the agent destroys the command's container", async () => {
    const t = terminal(["task", "exec", "plain", "--", "sh", "-c", "echo started; exec sleep 1234"]);
    await t.waitFor(/started/);
    t.send(["C-c"]);
    expect(await t.exitCode()).toBe(130);
    restored(await t.sttyAfter());
    // The agent destroys the dropped session soon after; nothing of it is left in the task.
    await eventually(
      async () => {
        const left = await mesos(["task", "exec", "plain", "--", "sh", "-c", "ps -eo args | grep -c '^sleep 1234$' || true"]);
        return left.stdout.trim() === "0";
      },
      20_000,
      "the session's sleep to be gone",
    );
  });

  test("exec -t gives the command a terminal of this size", async () => {
    const t = terminal(["task", "exec", "-t", "plain", "--", "sh", "-c", "tty; stty size"], { columns: 90, rows: 25 });
    await t.waitFor(/\/dev\/pts\/\d+\s+25 90/);
    expect(await t.exitCode()).toBe(0);
  });

  test("exec -i -t: an interactive shell, resizes reach it, its exit code is the CLI's", async () => {
    const t = terminal(["task", "exec", "-it", "plain", "sh"], { columns: 100, rows: 30 });
    await Bun.sleep(500);
    t.type("stty size");
    t.send(["Enter"]);
    await t.waitFor(/30 100/);
    t.resize(60, 15);
    await Bun.sleep(300);
    t.type("stty size; exit 7");
    t.send(["Enter"]);
    await t.waitFor(/15 60/);
    expect(await t.exitCode()).toBe(7);
    restored(await t.sttyAfter());
  });
});

describe("task log", () => {
  test("the last lines of stdout or stderr; --follow prints what is appended until the task ends", async () => {
    await startTask(
      "logger",
      "for i in $(seq 1 30); do echo line$i; done; echo oops >&2; while :; do if [ -f go ]; then echo after-go; rm go; fi; sleep 0.1; done",
    );
    await Bun.sleep(300);
    expect((await mesos(["task", "log", "logger", "--lines=2"])).stdout).toBe("line29\nline30\n");
    expect((await mesos(["task", "log", "logger"])).stdout).toBe(`${Array.from({ length: 10 }, (_, i) => `line${21 + i}`).join("\n")}\n`);
    expect((await mesos(["task", "log", "logger", "--stderr"])).stdout).toBe("oops\n");
    expect((await mesos(["task", "log", "logger", "--lines=-1"])).stdout.split("\n")).toHaveLength(31);

    const follow = startDaemon(["task", "log", "logger", "--follow", "--lines=1"], { MESOS_MASTER: master });
    await follow.waitFor(/line30/);
    expect((await mesos(["task", "exec", "logger", "--", "touch", "go"])).code).toBe(0);
    await follow.waitFor(/after-go/);
    expect((await mesos(["task", "kill", "logger"])).code).toBe(0);
    expect(await follow.proc.exited).toBe(0);
    expect(follow.output()).toBe("line30\nafter-go\n");
  });

  test("a finished task's log can still be read; a missing task exits 2", async () => {
    const r = await mesos(["execute", `--master=${master}`, "--name=done-task", "--command=echo finished"]);
    expect(r.code).toBe(0);
    expect((await mesos(["task", "log", "done-task"])).stdout).toBe("finished\n");
    expect((await mesos(["task", "log", "never-was"])).code).toBe(2);
  });
});

describe("task kill", () => {
  test("signals the task's container and waits for it to end", async () => {
    await startTask("victim", "sleep 1000");
    const r = await mesos(["task", "kill", "victim"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Task 'victim' ended (exit code 143)\n");
    expect(await running()).not.toContain("victim");
  });

  test("SIGKILL follows when the task outlives the grace period", async () => {
    await startTask("stubborn", "trap '' TERM; sleep 1000");
    const r = await mesos(["task", "kill", "stubborn", "--grace_period=500ms"]);
    expect([r.code, r.stdout]).toEqual([0, "Task 'stubborn' ended (exit code 137)\n"]);
  });
});
