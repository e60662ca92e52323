import * as z from 'zod/mini';
import { loadEnv, nonEmpty } from '#shared/env';
import { PacketStore } from './adapters/packet-store';

/** What every arrests function needs; functions with more read their own variables too. */
export const env = loadEnv({
  TABLE_NAME: nonEmpty,
  EVENT_BUS_NAME: nonEmpty,
  SENDER_EMAIL: nonEmpty,
  SES_CONFIGURATION_SET: z.optional(z.string()),
});

export const store = new PacketStore(env.TABLE_NAME);
