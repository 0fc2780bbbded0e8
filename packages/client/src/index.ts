export { subscribe, needsAcknowledgement, STREAM_ID_HEADER, type Subscription, type SubscribeOptions } from "./scheduler-client.ts";
export { createOperatorClient, createHttpOperatorClient, type OperatorClient } from "./operator-client.ts";
export { createAgentClient, type AgentClient } from "./agent-client.ts";
export type { AgentFiles } from "./files-client.ts";
export { statusOf } from "./v1-http.ts";
