import { loadEnv, nonEmpty } from '#shared/env';
import { PacketStore } from './adapters/packet-store';

/** What every arrests function needs; functions with more read their own variables too. */
export const env = loadEnv({
  TABLE_NAME: nonEmpty,
  EVENT_BUS_NAME: nonEmpty,
});

export const store = new PacketStore(env.TABLE_NAME);
