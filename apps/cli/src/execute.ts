/**
 * `mesos execute`: a small framework that runs one command as a task, prints its status changes
 * and exits with the task's exit code (0 for TASK_FINISHED, the command's exit status for
 * TASK_FAILED, 128+signal when it was killed by a signal, 1 otherwise).
 */
import { currentUserName, errorMessage, flag, formatUsage, isTerminalState, parseFlags, parseResources, Resources } from "@mesos/core";
import { subscribe, type Subscription } from "@mesos/client";
import { isFieldSet } from "@bufbuild/protobuf";
import {
  FrameworkInfo_Capability_Type,
  type Offer,
  Offer_Operation_Type,
  scheduler,
  TaskState,
  type TaskStatus,
  TaskStatus_Reason,
  TaskStatus_Source,
  TaskStatusSchema,
} from "@mesos/proto";

const specs = {
  master: flag.string("The master, as HOST:PORT", { default: "127.0.0.1:5050" }),
  name: flag.string("Name (and id) of the task", { required: true }),
  command: flag.string("Shell command to run", { required: true }),
  resources: flag.string("Resources the task needs", { default: "cpus:0.1;mem:32" }),
  role: flag.string("Role to get offers for", { default: "*" }),
  framework_name: flag.string("Name of the framework", { default: "mesos-execute instance" }),
  user: flag.string("User the task runs as (default: the current user)"),
  checkpoint: flag.bool("Checkpoint the task so it survives agent restarts", { default: false }),
  partition_aware: flag.bool("Be partition-aware (TASK_UNREACHABLE instead of TASK_LOST)", { default: false }),
  kill_after: flag.duration("Kill the task after this long"),
};

export async function runExecute(argv: string[]): Promise<number> {
  if (argv.includes("--help")) {
    console.log(formatUsage("execute", specs));
    return 0;
  }
  let f;
  let wanted: Resources;
  try {
    f = parseFlags(specs, argv, {}).values;
    wanted = parseResources(f.resources, { defaultRole: "*" });
  } catch (e) {
    console.error(`Error: ${errorMessage(e)}`);
    return 1;
  }
  const capabilities = [{ type: FrameworkInfo_Capability_Type.TASK_KILLING_STATE }];
  if (f.partition_aware) capabilities.push({ type: FrameworkInfo_Capability_Type.PARTITION_AWARE });

  let sub: Subscription;
  try {
    sub = await subscribe(f.master, {
      user: f.user ?? currentUserName(),
      name: f.framework_name,
      role: f.role,
      checkpoint: f.checkpoint,
      capabilities,
    });
  } catch (e) {
    console.error(`Error: cannot subscribe to the master at ${f.master}: ${errorMessage(e)}`);
    return 1;
  }
  console.log(`Subscribed with ID ${sub.frameworkId}`);
  const stop = () => void sub.teardown().finally(() => process.exit(130));
  process.once("SIGINT", stop);

  let launched = false;
  let exitCode = 1;
  for await (const event of sub.events) {
    if (event.type === scheduler.Event_Type.OFFERS) {
      for (const offer of event.offers!.offers) {
        if (launched || !fits(offer, wanted, f.role)) {
          await sub.decline([offer.id!.value]);
          continue;
        }
        launched = true;
        await launch(sub, offer, f.name, f.command, wanted, f.role);
        console.log(`Submitted task '${f.name}' to agent '${offer.agentId!.value}'`);
        if (f.kill_after !== undefined) setTimeout(() => void sub.kill(f.name, offer.agentId!.value), f.kill_after);
      }
    } else if (event.type === scheduler.Event_Type.UPDATE) {
      const status = event.update!.status!;
      printStatus(status);
      if (status.uuid.length > 0) await sub.acknowledge(status);
      if (status.taskId?.value === f.name && isTerminalState(status.state)) {
        exitCode = exitCodeOf(status);
        break;
      }
    } else if (event.type === scheduler.Event_Type.ERROR) {
      console.error(`Error: the master reported: ${event.error?.message}`);
      break;
    }
  }
  process.off("SIGINT", stop);
  await sub.teardown().catch(() => {});
  sub.close();
  return exitCode;
}

function fits(offer: Offer, wanted: Resources, role: string): boolean {
  return Resources.of(offer.resources).unallocate().allocatableTo(role).contains(wanted);
}

async function launch(sub: Subscription, offer: Offer, name: string, command: string, wanted: Resources, role: string) {
  await sub.accept(
    [offer.id!.value],
    [
      {
        type: Offer_Operation_Type.LAUNCH,
        launch: {
          taskInfos: [
            {
              name,
              taskId: { value: name },
              agentId: offer.agentId,
              command: { value: command, shell: true },
              resources: wanted.allocate(role).toArray(),
            },
          ],
        },
      },
    ],
  );
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
