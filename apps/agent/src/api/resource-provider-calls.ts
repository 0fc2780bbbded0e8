/**
 * The agent's resource provider calls: GET_RESOURCE_PROVIDERS, ADD/UPDATE/REMOVE_RESOURCE_PROVIDER_CONFIG
 * (Mesos's answers: a conflicting add is 409, updating an unknown provider 404, an invalid config
 * 400) and MARK_RESOURCE_PROVIDER_GONE.
 */
import { create } from "@bufbuild/protobuf";
import { conflict, invalid, notFound } from "@mesos/core";
import { agent } from "@mesos/proto";
import type { AgentContext } from "../context.ts";
import type { AgentCallReply } from "./agent-call-handler.ts";

const T = agent.Call_Type;
const OK = () => create(agent.ResponseSchema, {});

export function getResourceProviders(ctx: AgentContext): agent.Response_GetResourceProviders {
  return create(agent.Response_GetResourceProvidersSchema, {
    resourceProviders: ctx.resourceProviders.list().map((p) => ({ resourceProviderInfo: p.info, totalResources: p.totalResources })),
  });
}

/** The answer, or undefined for another kind of call. */
export async function handleResourceProviderCall(ctx: AgentContext, call: agent.Call): Promise<AgentCallReply | undefined> {
  switch (call.type) {
    case T.GET_RESOURCE_PROVIDERS:
      return create(agent.ResponseSchema, { type: agent.Response_Type.GET_RESOURCE_PROVIDERS, getResourceProviders: getResourceProviders(ctx) });
    case T.ADD_RESOURCE_PROVIDER_CONFIG: {
      const info = call.addResourceProviderConfig?.info;
      if (!info) throw invalid("Expecting 'add_resource_provider_config.info' to be present");
      if (!ctx.resourceProviders.add(info)) {
        throw conflict(`A resource provider with type '${info.type}' and name '${info.name}' exists with another config`);
      }
      return OK();
    }
    case T.UPDATE_RESOURCE_PROVIDER_CONFIG: {
      const info = call.updateResourceProviderConfig?.info;
      if (!info) throw invalid("Expecting 'update_resource_provider_config.info' to be present");
      if (!(await ctx.resourceProviders.update(info))) throw notFound(`No resource provider with type '${info.type}' and name '${info.name}'`);
      return OK();
    }
    case T.REMOVE_RESOURCE_PROVIDER_CONFIG: {
      const remove = call.removeResourceProviderConfig;
      if (!remove) throw invalid("Expecting 'remove_resource_provider_config' to be present");
      await ctx.resourceProviders.remove(remove.type, remove.name);
      return OK();
    }
    case T.MARK_RESOURCE_PROVIDER_GONE: {
      const id = call.markResourceProviderGone?.resourceProviderId?.value;
      if (!id) throw invalid("Expecting 'mark_resource_provider_gone.resource_provider_id' to be present");
      ctx.resourceProviders.markGone(id);
      return OK();
    }
    default:
      return undefined;
  }
}
