export { startAgent, type AgentOptions, type RunningAgent } from "./start-agent.ts";
export { agentMessage, createMasterLink, type MasterLink, type OutgoingAgentMessage } from "./master-link.ts";
export { createAgent, type Agent, type AgentDeps, type MasterSender } from "./create-agent.ts";
export type {
  CheckpointedContainerInfo,
  ContainerConfig,
  ContainerIo,
  Containerizer,
  ContainerState,
  ContainerTermination,
  InputAttachment,
  LaunchRequest,
} from "./containerizer/containerizer.ts";
export { createAgentStore, type AgentStore } from "./state/agent-store.ts";
export { agentFlagSpecs, validateAgentFlags, type AgentFlags } from "./flags.ts";
export { BUILTIN_ISOLATOR_PLUGINS, type IsolatorFactory, type IsolatorDeps } from "./containerizer/isolators/registry.ts";
export { ACCEPTED, type AgentCallHandler, type AgentCallReply } from "./api/agent-call-handler.ts";
export { agentApi } from "./http/v1-agent.ts";
