import { SESv2Client } from '@aws-sdk/client-sesv2';

/** The SES client, created once per process (see dynamo.ts for why each client has its module). */
export const ses = new SESv2Client({});
