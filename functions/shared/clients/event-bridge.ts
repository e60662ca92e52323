import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** The EventBridge client, created once per process (see dynamo.ts for why each client has its module). */
export const eventBridge = new EventBridgeClient({});
