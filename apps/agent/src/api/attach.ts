/**
 * ATTACH_CONTAINER_OUTPUT, ATTACH_CONTAINER_INPUT and LAUNCH_NESTED_CONTAINER_SESSION: a
 * container's I/O through its switchboard, with Mesos's semantics (spec §3):
 * - an unknown container is not found (404); one without a switchboard server is an internal
 *   error with Mesos's exact text (500);
 * - input: the first record must be CONTAINER_ID, then DATA (STDIN only) and CONTROL records;
 *   TTY_INFO needs a window size; HEARTBEAT is ignored; a second input at once is a conflict (409);
 * - a session launches a DEBUG nested container and streams its output; the container is
 *   destroyed when the client goes away (or when the stream ends).
 */
import { create } from "@bufbuild/protobuf";
import { invalid, internal, notFound } from "@mesos/core";
import { containerIdString } from "@mesos/plugin-api";
import { type ContainerID, agent } from "@mesos/proto";
import type { AgentContext } from "../context.ts";
import type { ContainerIo } from "../containerizer/containerizer.ts";
import { ACCEPTED, type AgentCallReply } from "./agent-call-handler.ts";
import { launchApiContainer } from "./container-calls.ts";
import { processIoStream } from "./process-io.ts";

const NO_SWITCHBOARD = "I/O switchboard server was disabled for this container";

function switchboard(ctx: AgentContext, id: ContainerID | undefined): ContainerIo {
  if (!id) throw invalid("'container_id' is missing");
  const key = containerIdString(id);
  const state = ctx.containerizer.state(key);
  if (state === undefined) throw notFound(`Container ${key} cannot be found`);
  const io = ctx.containerizer.io(key);
  if (!io) throw internal(NO_SWITCHBOARD);
  if (state === "terminated") throw notFound(`Container ${key} has terminated`);
  return io;
}

export async function attachContainerOutput(
  ctx: AgentContext,
  call: agent.Call_AttachContainerOutput,
  signal: AbortSignal,
): Promise<AsyncIterable<agent.ProcessIO> | typeof ACCEPTED> {
  const frames = await switchboard(ctx, call.containerId).output(signal);
  return processIoStream(frames, ctx.clock, ctx.flags.http_heartbeat_interval);
}

export async function launchNestedContainerSession(
  ctx: AgentContext,
  call: agent.Call_LaunchNestedContainerSession,
  signal: AbortSignal,
): Promise<AsyncIterable<agent.ProcessIO> | typeof ACCEPTED> {
  const id = call.containerId;
  if (!id?.parent) throw invalid("A session's 'container_id' must have a parent");
  const launched = await launchApiContainer(ctx, { containerId: id, command: call.command, container: call.container, debug: true });
  if (!launched) return ACCEPTED;
  const key = containerIdString(id);
  const destroy = () => {
    if (ctx.containerizer.state(key) !== "terminated") {
      ctx.log.info(`Destroying session container ${key}: its client went away`);
      void ctx.containerizer.destroy(key).catch(() => undefined);
    }
  };
  if (signal.aborted) {
    destroy();
    return ACCEPTED;
  }
  try {
    const frames = await ctx.containerizer.io(key)!.output(signal);
    signal.addEventListener("abort", destroy, { once: true });
    const onEnd = (complete: boolean) => (complete ? undefined : destroy());
    return processIoStream(frames, ctx.clock, ctx.flags.http_heartbeat_interval, onEnd);
  } catch (e) {
    destroy();
    throw e;
  }
}

export async function attachContainerInput(ctx: AgentContext, calls: AsyncIterable<agent.Call>): Promise<AgentCallReply> {
  const iterator = calls[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? undefined : first.value.attachContainerInput;
  if (first.done || first.value.type !== agent.Call_Type.ATTACH_CONTAINER_INPUT || !head) {
    throw invalid("Expecting 'attach_container_input' in the first record");
  }
  if (head.type !== agent.Call_AttachContainerInput_Type.CONTAINER_ID) {
    throw invalid("Expecting 'attach_container_input.type' to be CONTAINER_ID in the first record");
  }
  const input = await switchboard(ctx, head.containerId).input();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const record = next.value.attachContainerInput;
      if (!record || record.type !== agent.Call_AttachContainerInput_Type.PROCESS_IO || !record.processIo) {
        throw invalid("Expecting 'attach_container_input.type' to be PROCESS_IO after the first record");
      }
      const io = record.processIo;
      if (io.type === agent.ProcessIO_Type.DATA) {
        if (io.data?.type !== agent.ProcessIO_Data_Type.STDIN) throw invalid("Expecting 'process_io.data.type' to be STDIN");
        if (io.data.data.length === 0) input.eof();
        else input.stdin(io.data.data);
      } else if (io.type === agent.ProcessIO_Type.CONTROL) {
        if (io.control?.type === agent.ProcessIO_Control_Type.TTY_INFO) {
          const size = io.control.ttyInfo?.windowSize;
          if (!size) throw invalid("Expecting 'process_io.control.tty_info' to have a 'window_size'");
          input.resize(size.rows, size.columns);
        }
        // HEARTBEAT: nothing to do.
      } else {
        throw invalid("Expecting 'process_io.type' to be DATA or CONTROL");
      }
    }
  } finally {
    input.close();
  }
  return create(agent.ResponseSchema, {});
}
