/**
 * The container's init: `mesos __launch --launch_info=PATH`, started by the agent (detached, so
 * containers outlive the agent). With the linux launcher it is PID 1 of the container's PID
 * namespace (the agent created the namespace, or joined the parent container's for a nested one).
 * Or `mesos __launch --prestarted`: started (in a PID namespace of its own) before any container
 * needed it, so that its boot is off the launch's path; the agent's first line names its
 * container, and its stderr moves to the container's helper.log.
 *
 *  1. waits for the agent's `go` on stdin (the agent starts it first, so it boots while the
 *     isolators prepare): by then the launch description is written and every isolator has
 *     isolated this process, so the task starts inside its cgroups and the rest;
 *  2. builds the container: namespaces, mounts, /proc, hostname (container-setup.ts);
 *  3. sets up the task's I/O (sandbox files, or the switchboard on io.sock);
 *  4. starts the task (start-task.ts) and reports `{"pid":N}` (or `{"error":...}`) on stdout;
 *  5. forwards the agent's signals to the task's process group and reaps every child (PID 1's
 *     duty), recording the task's end in termination.json;
 *  6. when the task has ended, kills whatever is left in the container and exits.
 *
 * Failures at any step are recorded as a launch error naming the step; nothing is left running.
 */
import { closeSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { duplicateOnto, reapAll } from "@mesos/linux";
import { parseGoLine, parseUseLine, type StartReport, startReportLine } from "../launch-protocol/handshake.ts";
import type { LaunchInfo } from "../launch-protocol/launch-info.ts";
import { readLaunchInfo, runtimePaths, writeTermination } from "../launch-protocol/runtime-files.ts";
import { launchFailure, type Termination, terminationFromExit, terminationFromWaitStatus } from "../launch-protocol/termination.ts";
import { setUpContainer } from "./container-setup.ts";
import { startTask, type TaskProcess } from "./start-task.ts";
import { step } from "./steps.ts";
import { fileIo, startSwitchboard, type TaskIo } from "./switchboard.ts";

const FORWARDED = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;

/** How to run this binary again (compiled: the binary; from source: bun and the entry script). */
function selfCommand(): string[] {
  return Bun.main.startsWith("/$bunfs/") ? [process.execPath] : [process.execPath, Bun.main];
}

/** A prestarted init: waits to learn its container; exits quietly if the agent never needs it. */
export async function runPrestartedInit(): Promise<number> {
  const launchInfoPath = parseUseLine(await readLine());
  if (launchInfoPath === undefined) return 0;
  // Its errors belong to its container from here on, as a helper started for it writes them.
  const log = openSync(runtimePaths(dirname(launchInfoPath)).helperLog, "a");
  duplicateOnto(log, 2);
  closeSync(log);
  return runInit(launchInfoPath);
}

export async function runInit(launchInfoPath: string): Promise<number> {
  // The runtime dir stays reachable through this descriptor after a pivot into a rootfs.
  const runtimeFd = openSync(dirname(launchInfoPath), "r");
  let info: LaunchInfo | undefined;
  let task: TaskProcess | undefined;
  let io: TaskIo | undefined;
  let termination: Termination;
  try {
    // The agent starts us first and writes the launch description while we boot.
    const go = parseGoLine(await readLine());
    if (!go.go) throw new Error(go.why);
    info = step("reading the launch description", () => readLaunchInfo(launchInfoPath));
    const launch = info;
    step("building the container", () => setUpContainer(launch));
    io = step("setting up the task's I/O", () =>
      launch.switchboard ? startSwitchboard(launch, runtimePaths(launch.runtimeDirectory).ioSocket) : fileIo(launch),
    );
    if (!launch.command) {
      report({ pid: process.pid });
      termination = await holdNamespaces();
    } else {
      task = await startTask(launch, launch.command, io, selfCommand());
      io.started();
      forwardSignals(task.pid);
      report({ pid: task.pid });
      termination = await supervise(task);
    }
  } catch (e) {
    termination = launchFailure((e as Error).message);
    report({ error: termination.launchError! });
  }
  if (info) killTheRest(info, task?.pid);
  // Recorded before the switchboard tells its clients: a WAIT right after must see it.
  recordTermination(runtimeFd, termination);
  await io?.finish(termination);
  closeSync(runtimeFd);
  return 0;
}

/** One JSON line to the agent; it may be gone (containers outlive the agent), which is fine. */
function report(message: StartReport): void {
  try {
    writeSync(1, startReportLine(message));
    closeSync(1);
  } catch {}
}

/**
 * The agent's next line on stdin ("" at EOF), by blocking reads: there is nothing else to do until
 * it comes, and a stream reader costs the helper a millisecond of start-up, once per container.
 */
async function readLine(): Promise<string> {
  for (;;) {
    const nl = unread.indexOf("\n");
    if (nl >= 0) {
      const line = unread.slice(0, nl).trim();
      unread = unread.slice(nl + 1);
      return line;
    }
    if (stdinEnded) {
      const rest = unread.trim();
      unread = "";
      return rest;
    }
    let n: number;
    try {
      n = readSync(0, readBuffer, 0, readBuffer.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      await Bun.sleep(1); // a non-blocking descriptor: poll
      continue;
    }
    if (n === 0) stdinEnded = true;
    else unread += decoder.decode(readBuffer.subarray(0, n), { stream: true });
  }
}

const decoder = new TextDecoder();
const readBuffer = new Uint8Array(4096);
let unread = "";
let stdinEnded = false;

function forwardSignals(taskPid: number): void {
  for (const sig of FORWARDED) {
    process.on(sig, () => {
      try {
        process.kill(-taskPid, sig);
      } catch {
        try {
          process.kill(taskPid, sig);
        } catch {}
      }
    });
  }
}

/**
 * Whoever learns the task's status first reports it: Bun (which waits for its own children) or our
 * waitpid(-1) on SIGCHLD, which also reaps every orphan re-parented to us.
 */
function supervise(task: TaskProcess): Promise<Termination> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (t: Termination) => {
      if (done) return;
      done = true;
      process.off("SIGCHLD", reap);
      resolve(t);
    };
    const reap = () => {
      for (const r of reapAll()) if (r.pid === task.pid) finish(terminationFromWaitStatus(r.status));
    };
    process.on("SIGCHLD", reap);
    task.exited.then(
      () => finish(terminationFromExit(task.exitCode, task.signalCode)),
      () => {}, // ECHILD: our reaper got it first
    );
    reap();
  });
}

/** A container without a task (a task group's executor) holds its namespaces until it is told to stop. */
function holdNamespaces(): Promise<Termination> {
  return new Promise((resolve) => {
    // Signal handlers alone do not keep the event loop (and so the process) alive.
    const keepAlive = setInterval(() => {}, 1 << 30);
    process.on("SIGCHLD", () => reapAll());
    for (const sig of FORWARDED) {
      process.on(sig, () => {
        clearInterval(keepAlive);
        resolve(terminationFromExit(null, sig));
      });
    }
  });
}

/** Nothing of the container outlives its task. */
function killTheRest(info: LaunchInfo, taskPid: number | undefined): void {
  if (info.launcher === "linux" && !info.join && process.pid === 1) {
    // PID 1 of the container's own namespace: -1 means everything in it but us.
    try {
      process.kill(-1, "SIGKILL");
    } catch {}
  } else {
    if (taskPid) {
      try {
        process.kill(-taskPid, "SIGKILL");
      } catch {}
    }
    for (const pid of ourChildren()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  }
  reapAll();
}

function ourChildren(): number[] {
  try {
    const pid = process.pid;
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function recordTermination(runtimeFd: number, t: Termination): void {
  try {
    writeTermination(`/proc/self/fd/${runtimeFd}`, t);
  } catch (e) {
    console.error(`mesos __launch: cannot record the task's end: ${(e as Error).message}`);
  }
}
