import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_CONFIG, lazyClient } from './lazy';

/** The Step Functions client, created once per process on its first use (see dynamo.ts and lazy.ts). */
export const stepFunctions: SFNClient = lazyClient(() => new SFNClient(CLIENT_CONFIG));
