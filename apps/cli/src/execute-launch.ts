/**
 * What `mesos execute` launches, from its flags: one task (`--command` as a shell command, or with
 * `--shell=false` an executable with the arguments after `--`; or a whole `--task` TaskInfo) or a
 * task group for the default executor (`--task_group`), with `--env`, `--tty`, `--docker_image` and
 * the container they need. With `--docker_image` and no `--command`, the task runs the image's
 * Entrypoint and Cmd (`shell: false` without a value; the arguments after `--` replace Cmd).
 * `--task`, `--task_group` and `--env` take JSON or a file (`file:///path`, `/path`).
 */
import { readFileSync } from "node:fs";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { fromMesosJson, invalid, parseResources, Resources } from "@mesos/core";
import {
  type ContainerInfo,
  ContainerInfo_Type,
  ContainerInfoSchema,
  ExecutorInfo_Type,
  Image_Type,
  type Offer,
  type Offer_OperationSchema,
  Offer_Operation_Type,
  TaskGroupInfoSchema,
  type TaskInfo,
  TaskInfoSchema,
} from "@mesos/proto";

const DEFAULT_EXECUTOR_ID = "default-executor";
const DEFAULT_EXECUTOR_RESOURCES = "cpus:0.1;mem:32;disk:32";

export interface LaunchFlags {
  name?: string;
  command?: string;
  shell: boolean;
  /** With `--shell=false`: the arguments after `--` (argv[0] is the command). */
  arguments: string[];
  env?: string;
  tty: boolean;
  docker_image?: string;
  task?: string;
  task_group?: string;
  resources: string;
  role: string;
}

/** What to launch, decided before subscribing so that bad flags fail at once. */
interface LaunchPlan {
  /** The task ids whose ends `mesos execute` waits for. */
  taskIds: string[];
  /** Everything the launch needs from one offer (the default executor's share included). */
  wanted: Resources;
  operation(offer: Offer, frameworkId: string): MessageInitShape<typeof Offer_OperationSchema>;
}

export function planLaunch(f: LaunchFlags): LaunchPlan {
  if (f.task && f.task_group) throw invalid("Either --task or --task_group can be set, not both");
  if (f.task || f.task_group) {
    if (f.name || f.command || f.env || f.docker_image) {
      throw invalid("--name, --command, --env and --docker_image can only be set without --task and --task_group");
    }
  } else {
    if (!f.name) throw invalid("Missing required option --name");
    if (!f.command && !f.docker_image) throw invalid("Missing required option --command");
  }
  // An image without --command runs its Entrypoint and Cmd: there is no shell command then.
  const imageDefault = f.docker_image !== undefined && !f.command;
  if (f.shell && !imageDefault && f.arguments.length > 0) throw invalid("Arguments after '--' need --shell=false");

  if (f.task_group) {
    const group = readJson(f.task_group, "--task_group", (j) => fromMesosJson(TaskGroupInfoSchema, j));
    if (group.tasks.length === 0) throw invalid("--task_group has no tasks");
    const executorResources = parseResources(DEFAULT_EXECUTOR_RESOURCES, { defaultRole: "*" });
    let wanted = executorResources;
    for (const t of group.tasks) wanted = wanted.plus(Resources.of(t.resources));
    return {
      taskIds: group.tasks.map((t) => t.taskId!.value),
      wanted,
      operation: (offer, frameworkId) => ({
        type: Offer_Operation_Type.LAUNCH_GROUP,
        launchGroup: {
          executor: {
            type: ExecutorInfo_Type.DEFAULT,
            executorId: { value: DEFAULT_EXECUTOR_ID },
            frameworkId: { value: frameworkId },
            resources: executorResources.allocate(f.role).toArray(),
          },
          taskGroup: { tasks: group.tasks.map((t) => withAgent(t, offer, f.role)) },
        },
      }),
    };
  }

  const task = f.task ? readJson(f.task, "--task", (j) => fromMesosJson(TaskInfoSchema, j)) : commandTask(f);
  if (!task.taskId?.value) throw invalid("The task needs a 'task_id'");
  return {
    taskIds: [task.taskId.value],
    wanted: Resources.of(task.resources),
    operation: (offer) => ({ type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: [withAgent(task, offer, f.role)] } }),
  };
}

function commandTask(f: LaunchFlags): TaskInfo {
  const env = f.env ? readJson(f.env, "--env", envVariables) : [];
  const environment = { variables: env };
  return create(TaskInfoSchema, {
    name: f.name,
    taskId: { value: f.name },
    command: !f.command
      ? { shell: false, arguments: f.arguments, environment }
      : f.shell
        ? { value: f.command, shell: true, environment }
        : { value: f.command, shell: false, arguments: [f.command, ...f.arguments], environment },
    container: containerFor(f),
    resources: parseResources(f.resources, { defaultRole: "*" }).toArray(),
  });
}

/** The task's container: a terminal (--tty) and an image (--docker_image), as Mesos's mesos-execute builds it. */
function containerFor(f: LaunchFlags): ContainerInfo | undefined {
  if (!f.tty && !f.docker_image) return undefined;
  return create(ContainerInfoSchema, {
    type: ContainerInfo_Type.MESOS,
    ttyInfo: f.tty ? {} : undefined,
    mesos: f.docker_image ? { image: { type: Image_Type.DOCKER, docker: { name: f.docker_image } } } : undefined,
  });
}

function withAgent(task: TaskInfo | MessageInitShape<typeof TaskInfoSchema>, offer: Offer, role: string): TaskInfo {
  const t = create(TaskInfoSchema, task as MessageInitShape<typeof TaskInfoSchema>);
  t.agentId = offer.agentId;
  t.resources = Resources.of(t.resources).unallocate().allocate(role).toArray();
  return t;
}

function envVariables(json: unknown): { name: string; value: string }[] {
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Error('expected a JSON object like {"NAME": "value"}');
  return Object.entries(json as Record<string, unknown>).map(([name, value]) => {
    if (typeof value !== "string") throw new Error(`the value of '${name}' must be a string`);
    return { name, value };
  });
}

/** A flag's JSON, given inline or as a path (`file://` is already resolved by the flag parser). */
function readJson<T>(raw: string, flagName: string, convert: (json: never) => T): T {
  let text = raw;
  if (raw.startsWith("/")) {
    try {
      text = readFileSync(raw, "utf8");
    } catch (e) {
      throw invalid(`${flagName}: cannot read '${raw}': ${(e as Error).message}`);
    }
  }
  try {
    return convert(JSON.parse(text) as never);
  } catch (e) {
    throw invalid(`${flagName}: ${(e as Error).message}`);
  }
}
