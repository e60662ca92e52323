import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CLIENT_CONFIG, lazyClient } from './lazy';

/** The EventBridge client, created once per process on its first use (see dynamo.ts and lazy.ts). */
export const eventBridge: EventBridgeClient = lazyClient(() => new EventBridgeClient(CLIENT_CONFIG));
