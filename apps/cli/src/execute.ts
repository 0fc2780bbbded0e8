/**
 * `mesos execute`: a small framework that runs one task (or a task group) as Mesos's
 * mesos-execute does, prints its status changes and exits with the task's exit code (0 for
 * TASK_FINISHED, the command's exit status for TASK_FAILED, 128+signal when it was killed by a
 * signal, 1 otherwise). Bad flags throw (the CLI maps them to exit code 64).
 */
import { currentUserName, errorMessage, flag, formatUsage, isMesosError, isTerminalState, MesosError, parseFlags, Resources } from "@mesos/core";
import { subscribe, type Subscription } from "@mesos/client";
import { isFieldSet } from "@bufbuild/protobuf";
import {
  FrameworkInfo_Capability_Type,
  type Offer,
  scheduler,
  TaskState,
  type TaskStatus,
  TaskStatus_Reason,
  TaskStatus_Source,
  TaskStatusSchema,
} from "@mesos/proto";
import { planLaunch } from "./execute-launch.ts";
import { resolveMasterAddress } from "./master-address.ts";

const specs = {
  master: flag.string("The master, as HOST:PORT (default: $MESOS_MASTER, then the CLI config file, then 127.0.0.1:5050)"),
  name: flag.string("Name (and id) of the task"),
  command: flag.string(
    "The command: a shell command, or with --shell=false an executable (its arguments after '--'). With --docker_image and no --command: the image's Entrypoint and Cmd",
  ),
  docker_image: flag.string("A Docker image to run the task in (Mesos containerizer), e.g. busybox or registry:5000/team/app:1"),
  shell: flag.bool("Run --command through /bin/sh -c", { default: true }),
  env: flag.string('Environment variables for the command, as JSON ({"NAME": "value"}) or a file (file:///path or /path)'),
  tty: flag.bool("Give the task a terminal (then `mesos task attach` works)", { default: false }),
  task: flag.string("A whole TaskInfo, as JSON or a file (file:///path or /path); agent_id need not be set"),
  task_group: flag.string("A TaskGroupInfo for the default executor, as JSON or a file (file:///path or /path)"),
  resources: flag.string("Resources the task needs", { default: "cpus:0.1;mem:32" }),
  role: flag.string("Role to get offers for", { default: "*" }),
  framework_name: flag.string("Name of the framework", { default: "mesos-execute instance" }),
  user: flag.string("User the task runs as (default: the current user)"),
  checkpoint: flag.bool("Checkpoint the framework's tasks so they survive agent restarts", { default: false }),
  partition_aware: flag.bool("Be partition-aware (TASK_UNREACHABLE instead of TASK_LOST)", { default: false }),
  kill_after: flag.duration("Kill the task after this long"),
};

export async function runExecute(argv: string[]): Promise<number> {
  if (argv.includes("--help")) {
    console.log(
      `${formatUsage("execute", specs)}\n\nWith --shell=false: mesos execute --name=N --shell=false --command=/bin/echo -- hello world\n` +
        "In an image, its Entrypoint and Cmd: mesos execute --name=N --docker_image=busybox -- extra args",
    );
    return 0;
  }
  const dashdash = argv.indexOf("--");
  const f = parseFlags(specs, dashdash === -1 ? argv : argv.slice(0, dashdash), {}).values;
  const plan = planLaunch({ ...f, arguments: dashdash === -1 ? [] : argv.slice(dashdash + 1) });
  const master = resolveMasterAddress({ flag: f.master });
  const capabilities = [{ type: FrameworkInfo_Capability_Type.TASK_KILLING_STATE }];
  if (f.partition_aware) capabilities.push({ type: FrameworkInfo_Capability_Type.PARTITION_AWARE });

  let sub: Subscription;
  try {
    sub = await subscribe(master, {
      user: f.user ?? currentUserName(),
      name: f.framework_name,
      role: f.role,
      checkpoint: f.checkpoint,
      capabilities,
    });
  } catch (e) {
    throw new MesosError(isMesosError(e) ? e.kind : "unavailable", `Cannot subscribe to the master at ${master}: ${errorMessage(e)}`, { cause: e });
  }
  console.log(`Subscribed with ID ${sub.frameworkId}`);
  const stop = () => void sub.teardown().finally(() => process.exit(130));
  process.once("SIGINT", stop);

  let launched = false;
  const waiting = new Set(plan.taskIds);
  let exitCode: number | undefined;
  const what = plan.taskIds.length === 1 ? `task '${plan.taskIds[0]}'` : `task group of ${plan.taskIds.map((t) => `'${t}'`).join(", ")}`;
  for await (const event of sub.events) {
    if (event.type === scheduler.Event_Type.OFFERS) {
      for (const offer of event.offers!.offers) {
        if (launched || !fits(offer, plan.wanted, f.role)) {
          await sub.decline([offer.id!.value]);
          continue;
        }
        launched = true;
        await sub.accept([offer.id!.value], [plan.operation(offer, sub.frameworkId)]);
        console.log(`Submitted ${what} to agent '${offer.agentId!.value}'`);
        if (f.kill_after !== undefined) {
          setTimeout(() => {
            for (const id of plan.taskIds) void sub.kill(id, offer.agentId!.value);
          }, f.kill_after);
        }
      }
    } else if (event.type === scheduler.Event_Type.UPDATE) {
      const status = event.update!.status!;
      printStatus(status);
      if (status.uuid.length > 0) await sub.acknowledge(status);
      const id = status.taskId?.value ?? "";
      if (waiting.has(id) && isTerminalState(status.state)) {
        waiting.delete(id);
        // A group's exit code is its first task's that did not finish.
        const code = exitCodeOf(status);
        if (exitCode === undefined || exitCode === 0) exitCode = code;
        if (waiting.size === 0) break;
      }
    } else if (event.type === scheduler.Event_Type.ERROR) {
      console.error(`Error: the master reported: ${event.error?.message}`);
      break;
    }
  }
  process.off("SIGINT", stop);
  await sub.teardown().catch(() => {});
  sub.close();
  return exitCode ?? 1;
}

function fits(offer: Offer, wanted: Resources, role: string): boolean {
  return Resources.of(offer.resources).unallocate().allocatableTo(role).contains(wanted);
}

function printStatus(status: TaskStatus): void {
  console.log(`Received status update ${TaskState[status.state]} for task '${status.taskId?.value}'`);
  if (status.message) console.log(`  message: '${status.message}'`);
  console.log(`  source: SOURCE_${TaskStatus_Source[status.source]}`);
  if (isFieldSet(status, TaskStatusSchema.field.reason!)) console.log(`  reason: REASON_${TaskStatus_Reason[status.reason]}`);
}

function exitCodeOf(status: TaskStatus): number {
  const label = (key: string) => status.labels?.labels.find((l) => l.key === key)?.value;
  if (status.state === TaskState.TASK_FINISHED) return 0;
  const code = label("exit_status");
  if (code !== undefined && Number(code) !== 0) return Number(code);
  const signal = label("termination_signal");
  if (signal !== undefined) return 128 + Number(signal);
  return 1;
}
