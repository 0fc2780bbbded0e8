export { subscribe, needsAcknowledgement, STREAM_ID_HEADER, type Subscription, type SubscribeOptions } from "./scheduler-client.ts";
export { createOperatorClient, type OperatorClient } from "./operator-client.ts";
