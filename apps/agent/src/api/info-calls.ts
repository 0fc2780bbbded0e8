/**
 * The agent's v1 calls about the agent itself, answered with one message: health, flags, version,
 * the agent's info and its state, its metrics, and its files (LIST_FILES, READ_FILE). The container calls are in container-calls.ts and attach.ts;
 * agent-calls.ts routes between them.
 */
import { create, isFieldSet } from "@bufbuild/protobuf";
import { invalid, versionInfo } from "@mesos/core";
import { listFilesV1, readFileV1 } from "@mesos/rpc";
import { agent } from "@mesos/proto";
import type { AgentContext } from "../context.ts";
import { summarize } from "../projection/summaries.ts";
import { getExecutors, getFrameworks, getState, getTasks } from "../projection/v1.ts";

const T = agent.Call_Type;
const R = agent.Response_Type;

/** The answer, or undefined for a call that is not about the agent itself. */
export function handleInfoCall(ctx: AgentContext, call: agent.Call): agent.Response | Promise<agent.Response> | undefined {
  switch (call.type) {
    case T.GET_METRICS:
      return ctx.metrics.snapshot().then((snapshot) =>
        create(agent.ResponseSchema, {
          type: R.GET_METRICS,
          getMetrics: { metrics: Object.entries(snapshot).map(([name, value]) => ({ name, value })) },
        }),
      );
    case T.LIST_FILES: {
      if (!call.listFiles) throw invalid("Expecting 'list_files' to be present");
      return create(agent.ResponseSchema, { type: R.LIST_FILES, listFiles: { fileInfos: listFilesV1(ctx.files, call.listFiles.path) } });
    }
    case T.READ_FILE: {
      const read = call.readFile;
      if (!read) throw invalid("Expecting 'read_file' to be present");
      const length = isFieldSet(read, agent.Call_ReadFileSchema.field.length) ? read.length : undefined;
      return create(agent.ResponseSchema, { type: R.READ_FILE, readFile: readFileV1(ctx.files, { path: read.path, offset: read.offset, length }) });
    }
    case T.GET_HEALTH:
      return create(agent.ResponseSchema, { type: R.GET_HEALTH, getHealth: { healthy: true } });
    case T.GET_FLAGS:
      return create(agent.ResponseSchema, {
        type: R.GET_FLAGS,
        getFlags: { flags: Object.entries(ctx.effectiveFlags).map(([name, value]) => ({ name, value })) },
      });
    case T.GET_VERSION:
      return create(agent.ResponseSchema, {
        type: R.GET_VERSION,
        getVersion: { versionInfo: versionInfo() },
      });
    case T.GET_AGENT:
      return create(agent.ResponseSchema, { type: R.GET_AGENT, getAgent: { agentInfo: ctx.info } });
    case T.GET_STATE:
      return create(agent.ResponseSchema, { type: R.GET_STATE, getState: getState(summarize(ctx)) });
    case T.GET_FRAMEWORKS:
      return create(agent.ResponseSchema, { type: R.GET_FRAMEWORKS, getFrameworks: getFrameworks(summarize(ctx)) });
    case T.GET_EXECUTORS:
      return create(agent.ResponseSchema, { type: R.GET_EXECUTORS, getExecutors: getExecutors(summarize(ctx)) });
    case T.GET_TASKS:
      return create(agent.ResponseSchema, { type: R.GET_TASKS, getTasks: getTasks(summarize(ctx)) });
    default:
      return undefined;
  }
}
