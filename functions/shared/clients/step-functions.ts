import { SFNClient } from '@aws-sdk/client-sfn';

/** The Step Functions client, created once per process (see dynamo.ts for why each client has its module). */
export const stepFunctions = new SFNClient({});
