/**
 * Custom executors (ExecutorInfo type CUSTOM, with a command), as Mesos 1.8's agent runs them: the
 * executor runs in a container of its own with Mesos's executor environment, subscribes to the
 * agent's v1 executor API (`/api/v1/executor`, v1-executor.ts) and then owns its tasks: the agent
 * hands it LAUNCH / LAUNCH_GROUP, KILL, MESSAGE and SHUTDOWN events and forwards what it sends
 * (status UPDATEs through the status update manager, with ACKNOWLEDGED back once checkpointed, as
 * Mesos's agent answers once its status update manager has the update; MESSAGEs to the framework). Tasks for an executor that has not subscribed yet are
 * queued; framework messages for it are dropped, as Mesos drops them. When the executor's process
 * ends, its tasks that had not ended fail (REASON_EXECUTOR_TERMINATED) and the master hears that
 * the executor exited, with its wait status.
 * A checkpointing framework's executor and its tasks are checkpointed and survive an agent restart
 * (executor-recovery.ts): the executor re-subscribes with what it has not seen acknowledged, or is
 * shut down after --executor_reregistration_timeout. The agent's recovery ends only then
 * (`recovered`): as Mesos's agent, it registers with the master once its executors are back, so
 * that what the master sends them (kills, framework messages) finds them subscribed.
 */
import { mkdirSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { Channel, errorMessage, formatDuration, isTerminalState, newUuid, type TimerHandle, uuidFromBytes } from "@mesos/core";
import {
  ContainerIDSchema,
  ContainerStatusSchema,
  executor,
  ExecutorIDSchema,
  type ExecutorInfo,
  type FrameworkInfo,
  internal,
  type KillPolicy,
  type TaskInfo,
  TaskState,
  type TaskStatus,
} from "@mesos/proto";
import { agentAddress, agentPid, type AgentContext, type LiveTask, taskKey } from "../context.ts";
import type { CheckpointedExecutor } from "../state/agent-store.ts";
import { sandboxPath } from "../tasks/sandbox.ts";
import { forgetFrameworkIfIdle } from "../tasks/shutdown-framework.ts";
import { taskCommand } from "../tasks/task-container.ts";
import { reportStatus, TaskStatus_Reason, TaskStatus_Source } from "../tasks/task-status.ts";
import { alreadyReceived, type PendingTermination, reregistrationTimedOut, resubscribed } from "./executor-recovery.ts";

const E = executor.Event_Type;

export interface CustomExecutor {
  frameworkId: string;
  executorId: string;
  info: ExecutorInfo;
  containerId: string;
  sandbox: string;
  /** The subscribed executor's event stream. */
  events?: Channel<executor.Event>;
  /** Events for an executor that has not subscribed yet: LAUNCH / LAUNCH_GROUP (and KILL, once recovered). */
  queued: executor.Event[];
  ended: boolean;
  /** Its framework checkpoints: the executor and its tasks are recovered after an agent restart. */
  checkpoint: boolean;
  /** Recovered after an agent restart and not re-subscribed yet (Mesos's REGISTERING). */
  awaitingResubscription?: boolean;
  /** Why the agent is ending the executor: what its tasks' terminal updates say. */
  pendingTermination?: PendingTermination;
  /**
   * uuids (as text) of its tasks' updates the framework acknowledged, by task id, kept while the
   * task is (Mesos's status update stream keeps its acknowledged uuids until the stream ends).
   */
  acknowledged: Map<string, Set<string>>;
}

/** An executor as the report to the master lists it. */
export interface ReportedExecutor {
  frameworkId: string;
  /** Its framework, if the agent still has it (an executor's end may have been the framework's last here). */
  framework?: FrameworkInfo;
  info: ExecutorInfo;
}

const executorKey = (frameworkId: string, executorId: string) => `${frameworkId}/${executorId}`;

/** The tasks a LAUNCH or LAUNCH_GROUP event carries. */
const launchedIn = (event: executor.Event): TaskInfo[] => (event.launch?.task ? [event.launch.task] : (event.launchGroup?.taskGroup?.tasks ?? []));

export function createCustomExecutors(context: () => AgentContext) {
  const executors = new Map<string, CustomExecutor>();
  /** Set once the agent stopped: what its executors' containers do from then on is the next agent's business. */
  let stopped = false;
  /** Resolves when recovery is over: no recovered executor is still awaited. */
  const recovery = Promise.withResolvers<void>();
  /** Ends the wait for recovered executors (--executor_reregistration_timeout), as Mesos's reregisterExecutorTimeout. */
  let reregistrationTimer: TimerHandle | undefined;
  /**
   * Executors that ended while the agent could not tell the master (one destroyed at the end of
   * recovery, before the agent registers): the next report lists them and their exit follows the
   * registration, so that the framework hears of it (Mesos's agent drops that news when no master
   * is there: "TODO(vinod): Reliably forward this message").
   */
  const unheardExits = new Map<string, ReportedExecutor & { exited: internal.ExitedExecutor }>();

  /**
   * Recovery is over once every recovered executor re-subscribed or ended. Mesos 1.8 always waits
   * out the timeout (MESOS-7539 asks for this instead): waiting longer delays nothing but the
   * agent's registration.
   */
  function recoveryProgressed(ctx: AgentContext): void {
    if (!reregistrationTimer) return;
    for (const e of executors.values()) if (e.awaitingResubscription) return;
    reregistrationTimer.cancel();
    reregistrationTimer = undefined;
    ctx.log.info("Every recovered executor re-subscribed or ended");
    recovery.resolve();
  }

  function send(e: CustomExecutor, event: executor.Event): void {
    if (e.events) e.events.push(event);
    else e.queued.push(event);
  }

  /** Starts the executor's container; its end fails what it left running. */
  async function start(ctx: AgentContext, framework: FrameworkInfo, e: CustomExecutor, tasks: TaskInfo[]): Promise<void> {
    const env = executorEnvironment(ctx, framework, e);
    try {
      mkdirSync(e.sandbox, { recursive: true });
      const hasImage = e.info.container?.mesos?.image !== undefined;
      await ctx.containerizer.launch({
        containerId: create(ContainerIDSchema, { value: e.containerId }),
        frameworkId: e.frameworkId,
        executorId: e.executorId,
        taskIds: tasks.map((t) => t.taskId!.value),
        sandbox: e.sandbox,
        resources: [...e.info.resources, ...tasks.flatMap((t) => t.resources)],
        commandInfo: e.info.command,
        containerInfo: e.info.container,
        command: taskCommand(ctx, framework, e.info.command!, env, hasImage),
      });
    } catch (err) {
      ctx.log.warn(`Failed to launch custom executor '${e.executorId}' of framework ${e.frameworkId}: ${errorMessage(err)}`);
      ended(ctx, e, `Failed to launch the executor: ${errorMessage(err)}`, TaskStatus_Reason.CONTAINER_LAUNCH_FAILED, 0);
      return;
    }
    ctx.log.info(`Custom executor '${e.executorId}' of framework ${e.frameworkId} is running in container ${e.containerId}`);
    follow(ctx, e);
  }

  /** The end of the executor's container ends the executor. */
  function follow(ctx: AgentContext, e: CustomExecutor): void {
    ctx.containerizer.wait(e.containerId).then(
      (t) => ended(ctx, e, "Executor terminated", TaskStatus_Reason.EXECUTOR_TERMINATED, t.termination.waitStatus),
      (err) => ended(ctx, e, `Executor failed: ${errorMessage(err)}`, TaskStatus_Reason.EXECUTOR_TERMINATED, 0),
    );
  }

  function ended(ctx: AgentContext, e: CustomExecutor, message: string, reason: TaskStatus_Reason, waitStatus: number): void {
    if (e.ended || stopped) return;
    e.ended = true;
    executors.delete(executorKey(e.frameworkId, e.executorId));
    recoveryProgressed(ctx);
    if (e.checkpoint) ctx.store.removeExecutor(e.frameworkId, e.executorId);
    e.events?.close();
    const pending = e.pendingTermination;
    for (const task of tasksOf(ctx, e)) {
      task.killTimer?.cancel();
      const state = pending?.state ?? (task.killRequested ? TaskState.TASK_KILLED : TaskState.TASK_FAILED);
      reportStatus(ctx, task, state, { message: pending?.message ?? message, reason: pending?.reason ?? reason, source: TaskStatus_Source.AGENT });
    }
    try {
      if (ctx.containerizer.state(e.containerId) !== undefined) ctx.containerizer.remove(e.containerId);
    } catch {}
    ctx.metrics.increment("slave/executors_terminated");
    const exited = create(internal.ExitedExecutorSchema, {
      frameworkId: { value: e.frameworkId },
      executorId: { value: e.executorId },
      status: waitStatus,
    });
    if (!ctx.sendToMaster({ case: "exitedExecutor", value: exited })) {
      const framework = ctx.frameworks.get(e.frameworkId);
      unheardExits.set(executorKey(e.frameworkId, e.executorId), { frameworkId: e.frameworkId, framework, info: e.info, exited });
    }
    // Its tasks ended before it did: the framework may have nothing left here.
    forgetFrameworkIfIdle(ctx, e.frameworkId);
  }

  /**
   * An update the executor sent: the task's new state, checkpointed and forwarded with the
   * executor's uuid; one the agent has already is not taken twice. False if refused.
   */
  function take(ctx: AgentContext, e: CustomExecutor, status: TaskStatus): boolean {
    if (alreadyReceived(ctx, e, status)) return true;
    const task = ctx.tasks.get(taskKey(e.frameworkId, status.taskId!.value));
    if (!task || task.executorId !== e.executorId || isTerminalState(task.state)) {
      ctx.log.warn(`Ignoring an update from executor '${e.executorId}' for task ${status.taskId!.value} it does not run`);
      ctx.metrics.increment("slave/invalid_status_updates");
      return false;
    }
    task.state = status.state;
    ctx.metrics.increment("slave/valid_status_updates");
    status.agentId = ctx.info.id;
    status.executorId = create(ExecutorIDSchema, { value: e.executorId });
    status.source = TaskStatus_Source.EXECUTOR;
    status.timestamp ||= ctx.clock.now() / 1000;
    status.containerStatus ??= create(ContainerStatusSchema, { containerId: { value: e.containerId } });
    const update = { frameworkId: e.frameworkId, taskId: status.taskId!.value, status };
    // The task's new state with its update, in one transaction, as the agent's own updates (task-status.ts).
    ctx.store.reportTaskStatus(update);
    ctx.statusUpdates.update(update, { checkpointed: true });
    return true;
  }

  function tasksOf(ctx: AgentContext, e: CustomExecutor): LiveTask[] {
    return [...ctx.tasks.values()].filter((t) => t.customExecutor && t.frameworkId === e.frameworkId && t.executorId === e.executorId);
  }

  return {
    get: (frameworkId: string, executorId: string) => executors.get(executorKey(frameworkId, executorId)),

    /** What the report to the master lists (tasks or not): the executors running here, and those whose end it has not heard. */
    *reported(): Iterable<ReportedExecutor> {
      const ctx = context();
      for (const e of executors.values()) yield { frameworkId: e.frameworkId, framework: ctx.frameworks.get(e.frameworkId), info: e.info };
      yield* unheardExits.values();
    },

    /** Registered (again) with the master: the exits it has not heard go now. */
    registered(): void {
      const ctx = context();
      for (const [key, { exited }] of unheardExits) if (ctx.sendToMaster({ case: "exitedExecutor", value: exited })) unheardExits.delete(key);
    },

    /** Whether a custom executor of the framework runs here (its framework stays, even with no task left). */
    runFor(frameworkId: string): boolean {
      for (const e of executors.values()) if (e.frameworkId === frameworkId) return true;
      return false;
    },

    /** RUN_TASK for a custom executor: a task (LAUNCH) or a task group (LAUNCH_GROUP); the executor starts if it is not running. */
    run(framework: FrameworkInfo, info: ExecutorInfo, tasks: TaskInfo[], group: boolean): void {
      const ctx = context();
      const frameworkId = framework.id!.value;
      const executorId = info.executorId!.value;
      ctx.frameworks.set(frameworkId, framework);
      ctx.store.saveFramework(framework);
      let e = executors.get(executorKey(frameworkId, executorId));
      const fresh = e === undefined;
      if (!e) {
        const containerId = newUuid();
        e = {
          frameworkId,
          executorId,
          info,
          containerId,
          sandbox: sandboxPath(ctx.workDir, ctx.info.id!.value, frameworkId, executorId, containerId),
          queued: [],
          ended: false,
          checkpoint: framework.checkpoint,
          acknowledged: new Map(),
        };
        executors.set(executorKey(frameworkId, executorId), e);
        // Before its container exists, so that recovery never finds a container it cannot place.
        if (e.checkpoint) ctx.store.saveExecutor({ frameworkId, executorId, containerId, info });
      }
      const accepted = tasks.filter((t) => !ctx.tasks.has(taskKey(frameworkId, t.taskId!.value)));
      for (const t of accepted) {
        // As command tasks are (recovery forgets those of frameworks that do not checkpoint).
        ctx.store.saveTask({ frameworkId, info: t, state: TaskState.TASK_STAGING, containerId: e.containerId, killRequested: false });
        ctx.tasks.set(taskKey(frameworkId, t.taskId!.value), {
          frameworkId,
          info: t,
          state: TaskState.TASK_STAGING,
          containerId: e.containerId,
          executorId,
          sandbox: e.sandbox,
          killRequested: false,
          customExecutor: true,
        });
      }
      if (accepted.length === 0) return;
      send(
        e,
        group
          ? create(executor.EventSchema, { type: E.LAUNCH_GROUP, launchGroup: { taskGroup: { tasks: accepted } } })
          : create(executor.EventSchema, { type: E.LAUNCH, launch: { task: accepted[0] } }),
      );
      if (fresh) void start(ctx, framework, e, accepted);
    },

    /**
     * A checkpointed executor found after an agent restart with its container: it has
     * --executor_reregistration_timeout to re-subscribe (its tasks were recovered with it), from
     * `awaitRecovered`.
     */
    recover(c: CheckpointedExecutor): void {
      const ctx = context();
      const e: CustomExecutor = {
        frameworkId: c.frameworkId,
        executorId: c.executorId,
        info: c.info,
        containerId: c.containerId,
        sandbox: sandboxPath(ctx.workDir, ctx.info.id!.value, c.frameworkId, c.executorId, c.containerId),
        queued: [],
        ended: false,
        checkpoint: true,
        awaitingResubscription: true,
        acknowledged: c.acknowledged,
      };
      executors.set(executorKey(e.frameworkId, e.executorId), e);
      follow(ctx, e);
      ctx.log.info(`Waiting for executor '${e.executorId}' of framework ${e.frameworkId} to subscribe`);
    },

    /**
     * Once the agent recovered: resolves when every recovered executor has re-subscribed or ended,
     * or after --executor_reregistration_timeout, when those still away are destroyed (Mesos's
     * _recover and reregisterExecutorTimeout). At once if none was recovered.
     */
    awaitRecovered(): Promise<void> {
      const ctx = context();
      if (reregistrationTimer || stopped) return recovery.promise;
      const awaited = [...executors.values()].filter((e) => e.awaitingResubscription).length;
      if (awaited === 0) {
        recovery.resolve();
        return recovery.promise;
      }
      reregistrationTimer = ctx.clock.setTimeout(() => {
        reregistrationTimer = undefined;
        ctx.log.info("Cleaning up un-reregistered executors");
        for (const e of executors.values()) reregistrationTimedOut(ctx, e);
        recovery.resolve();
      }, ctx.flags.executor_reregistration_timeout);
      ctx.log.info(`Waiting up to ${formatDuration(ctx.flags.executor_reregistration_timeout)} for ${awaited} executor(s) to re-subscribe`);
      return recovery.promise;
    },

    /**
     * The executor's SUBSCRIBE: what it has not seen acknowledged is reconciled first (it may be
     * re-subscribing after a restart), then SUBSCRIBED, then what was queued for it.
     */
    subscribe(e: CustomExecutor, call: executor.Call_Subscribe): Channel<executor.Event> {
      const ctx = context();
      e.events?.close();
      ctx.log.info(
        `Executor '${e.executorId}' of framework ${e.frameworkId} ${e.awaitingResubscription ? "re-subscribed after the agent restarted" : "subscribed"}`,
      );
      e.awaitingResubscription = false;
      const acknowledged = resubscribed(ctx, e, call, (status) => take(ctx, e, status));
      const events = new Channel<executor.Event>();
      e.events = events;
      events.push(
        create(executor.EventSchema, {
          type: E.SUBSCRIBED,
          subscribed: {
            executorInfo: e.info,
            frameworkInfo: ctx.frameworks.get(e.frameworkId),
            agentInfo: ctx.info,
            containerId: { value: e.containerId },
          },
        }),
      );
      for (const ack of acknowledged) events.push(ack);
      for (const queued of e.queued.splice(0)) events.push(queued);
      recoveryProgressed(ctx);
      return events;
    },

    /** The subscription ended (the executor's connection closed); events queue again until it re-subscribes. */
    unsubscribed(e: CustomExecutor, events: Channel<executor.Event>): void {
      if (e.events === events) e.events = undefined;
    },

    /**
     * The framework acknowledged an update the executor sent: remembered (and checkpointed) while
     * its task is here, so that an executor re-subscribing with it (it missed our ACKNOWLEDGED) is
     * not taken as new once the update's own checkpoint is gone.
     */
    acknowledged(frameworkId: string, taskId: string, uuid: Uint8Array): void {
      const ctx = context();
      const task = ctx.tasks.get(taskKey(frameworkId, taskId));
      if (!task?.customExecutor) return;
      const e = executors.get(executorKey(frameworkId, task.executorId!));
      if (!e) return;
      const text = uuidFromBytes(uuid);
      let uuids = e.acknowledged.get(taskId);
      if (!uuids) e.acknowledged.set(taskId, (uuids = new Set()));
      uuids.add(text);
      if (e.checkpoint) ctx.store.saveExecutorAcknowledgement(frameworkId, e.executorId, taskId, text);
    },

    /**
     * The task's end was acknowledged and the agent forgets it: so do its acknowledgements (an
     * executor re-subscribing with one of its updates is answered without them: resubscribed).
     */
    taskForgotten(task: LiveTask): void {
      const e = executors.get(executorKey(task.frameworkId, task.executorId!));
      const taskId = task.info.taskId!.value;
      if (!e?.acknowledged.delete(taskId)) return;
      if (e.checkpoint) context().store.removeExecutorAcknowledgements(e.frameworkId, e.executorId, taskId);
    },

    /** A scheduler's MESSAGE: delivered to a subscribed executor, else dropped (Mesos's Slave::schedulerMessage). */
    frameworkMessage(message: internal.FrameworkToExecutor): void {
      const ctx = context();
      const e = executors.get(executorKey(message.frameworkId!.value, message.executorId!.value));
      if (!e?.events) {
        ctx.log.warn(
          `Dropping message for executor '${message.executorId!.value}' of framework ${message.frameworkId!.value} because executor ${e ? "is not running" : "does not exist"}`,
        );
        ctx.metrics.increment("slave/invalid_framework_messages");
        return;
      }
      e.events.push(create(executor.EventSchema, { type: E.MESSAGE, message: { data: message.data } }));
      ctx.metrics.increment("slave/valid_framework_messages");
    },

    /**
     * KILL of a task of a custom executor: the executor kills it. A task not delivered yet (the
     * executor has not subscribed) is killed here, with the rest of its group, as Mesos's agent does.
     * One that a recovered executor runs already waits for its re-subscription (Mesos's agent only
     * re-registers, and so hears of kills, once its executors had their chance to re-subscribe).
     */
    kill(task: LiveTask, killPolicy?: KillPolicy): void {
      const ctx = context();
      const e = executors.get(executorKey(task.frameworkId, task.executorId!));
      task.killRequested = true;
      if (e?.events) {
        e.events.push(create(executor.EventSchema, { type: E.KILL, kill: { taskId: task.info.taskId, killPolicy } }));
        return;
      }
      const event = e?.queued.find((q) => launchedIn(q).some((t) => t.taskId!.value === task.info.taskId!.value));
      if (e?.awaitingResubscription && !event) {
        e.queued.push(create(executor.EventSchema, { type: E.KILL, kill: { taskId: task.info.taskId, killPolicy } }));
        return;
      }
      if (e && event) e.queued = e.queued.filter((q) => q !== event);
      for (const t of event ? launchedIn(event) : [task.info]) {
        const live = ctx.tasks.get(taskKey(task.frameworkId, t.taskId!.value));
        if (!live) continue;
        reportStatus(ctx, live, TaskState.TASK_KILLED, {
          message: "Task killed before it was delivered to the executor",
          reason: TaskStatus_Reason.TASK_KILLED_DURING_LAUNCH,
          source: TaskStatus_Source.AGENT,
        });
      }
    },

    /** SHUTDOWN of the executor: it hears SHUTDOWN; its container is destroyed after the grace period if it is still there. */
    shutdown(frameworkId: string, executorId: string): boolean {
      const ctx = context();
      const e = executors.get(executorKey(frameworkId, executorId));
      if (!e) return false;
      ctx.log.info(`Shutting down custom executor '${executorId}' of framework ${frameworkId}`);
      for (const t of tasksOf(ctx, e)) t.killRequested = true;
      const destroy = () => {
        if (!e.ended) void ctx.containerizer.destroy(e.containerId).catch(() => {});
      };
      if (e.events) {
        e.events.push(create(executor.EventSchema, { type: E.SHUTDOWN }));
        ctx.clock.setTimeout(destroy, ctx.flags.executor_shutdown_grace_period);
      } else destroy();
      return true;
    },

    /** A framework shuts down: each of its custom executors does. */
    shutdownFramework(frameworkId: string): void {
      for (const e of [...executors.values()]) if (e.frameworkId === frameworkId) this.shutdown(frameworkId, e.executorId);
    },

    /** An UPDATE the executor sent: taken (once), then ACKNOWLEDGED. */
    update(e: CustomExecutor, status: TaskStatus): void {
      if (!take(context(), e, status)) return;
      e.events?.push(create(executor.EventSchema, { type: E.ACKNOWLEDGED, acknowledged: { taskId: status.taskId, uuid: status.uuid } }));
    },

    /** The agent stops: executors keep running (the next agent recovers them), its timers do not. */
    stop(): void {
      stopped = true;
      reregistrationTimer?.cancel();
      reregistrationTimer = undefined;
      recovery.resolve();
    },
  };
}

export type CustomExecutors = ReturnType<typeof createCustomExecutors>;

/**
 * Mesos's executor environment (slave.cpp's executorEnvironment) for a custom executor: it finds
 * the agent's executor API at MESOS_AGENT_ENDPOINT and names itself with MESOS_FRAMEWORK_ID and
 * MESOS_EXECUTOR_ID; MESOS_HTTP_COMMAND_EXECUTOR is 0 (it is not the command executor).
 */
function executorEnvironment(ctx: AgentContext, framework: FrameworkInfo, e: CustomExecutor): Record<string, string> {
  const agentId = ctx.info.id!.value;
  return {
    MESOS_FRAMEWORK_ID: e.frameworkId,
    MESOS_EXECUTOR_ID: e.executorId,
    MESOS_DIRECTORY: e.sandbox,
    MESOS_SANDBOX: e.sandbox,
    MESOS_SLAVE_ID: agentId,
    MESOS_AGENT_ID: agentId,
    MESOS_SLAVE_PID: agentPid(ctx),
    MESOS_AGENT_ENDPOINT: agentAddress(ctx),
    MESOS_CHECKPOINT: framework.checkpoint ? "1" : "0",
    MESOS_HTTP_COMMAND_EXECUTOR: "0",
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: formatDuration(ctx.flags.executor_shutdown_grace_period),
    MESOS_CONTAINER_ID: e.containerId,
    // As Mesos: only a checkpointing framework's executor reconnects after the agent restarted,
    // trying for --recovery_timeout, waiting at most --executor_reregistration_timeout between attempts.
    ...(framework.checkpoint
      ? {
          MESOS_RECOVERY_TIMEOUT: formatDuration(ctx.flags.recovery_timeout),
          MESOS_SUBSCRIPTION_BACKOFF_MAX: formatDuration(ctx.flags.executor_reregistration_timeout),
        }
      : {}),
  };
}
