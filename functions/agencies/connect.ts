import * as z from 'zod/mini';
import { loadEnv, nonEmpty } from '#shared/env';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { DynamoAgencyStates } from './adapters/store';
import { connectAgency } from './use-cases/connect';

const env = loadEnv({ TABLE_NAME: nonEmpty });
const states = new DynamoAgencyStates(env.TABLE_NAME);
/** The agencies this warm function has seen connected: their later packets make no request. */
const seen = new Set<string>();

/** The arrest workflow's ArrestPacketReceived event: who sent which packet, and when it was received. */
const PacketReceived = z.object({
  source: z.literal('ciss.arrests'),
  detail: z.object({ packetId: z.string().check(z.minLength(1)), ori: z.string().check(z.minLength(1)), occurredAt: z.string().check(z.minLength(1)) }),
});

/** An agency's RMS sent a packet: the agency is connected from its first one. */
export const handler = taskHandler(PacketReceived, async (event) => {
  const outcome = await connectAgency({ ori: event.detail.ori, packetId: event.detail.packetId, receivedAt: event.detail.occurredAt }, { states, seen });
  if (outcome.connected) logger.info('agency connected', { ori: outcome.ori, at: outcome.at });
  return outcome;
});
