export { startAgent, type AgentOptions, type RunningAgent } from "./agent.ts";
export { agentFlagSpecs, validateAgentFlags, type AgentFlags } from "./flags.ts";
export { BUILTIN_ISOLATOR_PLUGINS, type IsolatorFactory, type IsolatorDeps } from "./containerizer/isolators/registry.ts";
export { ACCEPTED, agentApi, type AgentCallHandler, type AgentCallReply } from "./http/v1-api.ts";
