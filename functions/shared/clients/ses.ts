import { SESv2Client } from '@aws-sdk/client-sesv2';
import { CLIENT_CONFIG, lazyClient } from './lazy';

/** The SES client, created once per process on its first use (see dynamo.ts and lazy.ts). */
export const ses: SESv2Client = lazyClient(() => new SESv2Client(CLIENT_CONFIG));
