/**
 * `mesos task log TASK [--stderr] [--follow] [--lines=N]`: a task's stdout (or stderr) read through
 * the agent's file API (`/files/read`, Mesos's virtual sandbox paths), the last N lines and, with
 * `--follow`, what is appended until the task ends (or Ctrl-C).
 */
import { type AgentFiles, createAgentClient, type OperatorClient } from "@mesos/client";
import { flag, invalid, isMesosError, isTerminalState, notFound } from "@mesos/core";
import type { Task } from "@mesos/proto";
import { defineCommand } from "./command.ts";
import { findTask, locateTask } from "./find-task.ts";
import { writeAll } from "./terminal.ts";

const PAGE = 64 * 1024;
const encoder = new TextEncoder();

export function taskLogCommand(operator: (masterFlag?: string) => OperatorClient, pollMs = 500) {
  return defineCommand({
    name: "log",
    args: "TASK [--stderr] [--follow] [--lines=N]",
    summary: "Print a task's stdout (or stderr) from its sandbox",
    details: "TASK is a task id or a prefix of exactly one; finished tasks count too.",
    flags: {
      stderr: flag.bool("Print stderr instead of stdout", { default: false }),
      follow: flag.bool("Keep printing what the task appends, until it ends", { default: false }),
      lines: flag.int("How many of the last lines to print first (0: none, -1: all)", { default: 10 }),
    },
    short: { f: "follow", n: "lines" },
    async run({ flags, args }) {
      if (args.length !== 1) throw invalid("Expected exactly one TASK (see 'mesos task log --help')");
      if (flags.lines < -1) throw invalid(`--lines must be -1 or more, got ${flags.lines}`);
      const ops = operator(flags.master);
      const task = await findTask(ops, args[0]!, { running: false });
      const location = await locateTask(ops, task);
      const files = createAgentClient(location.agentAddress).files;
      const name = flags.stderr ? "stderr" : "stdout";
      const path = await sandboxFile(files, task, name);
      let offset = await files.size(path);
      const start = flags.lines === -1 ? 0 : await startOfLastLines(files, path, offset, flags.lines);
      await copy(files, path, start, offset);
      if (!flags.follow) return 0;
      let interrupted = false;
      const onInt = () => void (interrupted = true);
      process.once("SIGINT", onInt);
      try {
        for (let polls = 0; !interrupted; polls++) {
          const size = await files.size(path);
          if (size > offset) offset = await copy(files, path, offset, size);
          // Check the task's state now and then; after it ends, print what is left and stop.
          if (polls % 4 === 3) {
            const now = (await ops.getTasks().catch(() => undefined))?.completedTasks.find(
              (t) => t.taskId?.value === task.taskId?.value && t.frameworkId?.value === task.frameworkId?.value,
            );
            if (now && isTerminalState(now.state)) {
              await copy(files, path, offset, await files.size(path));
              return 0;
            }
          }
          await Bun.sleep(pollMs);
        }
      } finally {
        process.off("SIGINT", onInt);
      }
      return 130;
    },
  });
}

/**
 * The file's virtual path on the agent. A task of a task group (default executor) has its own
 * sandbox under the executor's, `tasks/<task id>`; a command task's is its executor's.
 */
async function sandboxFile(files: AgentFiles, task: Task, name: string): Promise<string> {
  const taskId = task.taskId!.value;
  const executorId = task.executorId?.value || task.statuses.find((s) => s.executorId?.value)?.executorId?.value || taskId;
  const run = `/slaves/${task.agentId!.value}/frameworks/${task.frameworkId!.value}/executors/${executorId}/runs/latest`;
  const candidates = task.executorId?.value ? [`${run}/tasks/${taskId}/${name}`, `${run}/${name}`] : [`${run}/${name}`];
  for (const path of candidates) {
    try {
      await files.size(path);
      return path;
    } catch (e) {
      if (!isMesosError(e, "not_found")) throw e;
    }
  }
  throw notFound(`Unable to find the ${name} of task '${taskId}' on its agent (its sandbox may have been removed)`);
}

/** The offset where the last `lines` lines of the file's first `size` bytes start. */
async function startOfLastLines(files: AgentFiles, path: string, size: number, lines: number): Promise<number> {
  if (lines === 0) return size;
  let end = size;
  let newlines = 0;
  while (end > 0) {
    const from = Math.max(0, end - PAGE);
    const bytes = encoder.encode((await files.read(path, from, end - from)).data);
    for (let i = bytes.length - 1; i >= 0; i--) {
      // A newline that ends the file closes the last line; it does not start another.
      if (bytes[i] !== 0x0a || from + i === size - 1) continue;
      if (++newlines === lines) return from + i + 1;
    }
    end = from;
  }
  return 0;
}

/** Prints bytes [from, to) of the file to stdout; returns where it stopped. */
async function copy(files: AgentFiles, path: string, from: number, to: number): Promise<number> {
  let at = from;
  while (at < to) {
    const want = Math.min(PAGE, to - at);
    const chunk = await files.read(path, at, want);
    if (chunk.data.length === 0) break;
    writeAll(1, encoder.encode(chunk.data));
    // The agent sends `want` bytes as text; counting them again after decoding could be off by a
    // character cut in two at the window's edge.
    at += want;
  }
  return at;
}
