import * as z from 'zod/mini';
import { loadEnv, nonEmpty } from '#shared/env';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { PacketStore } from '../arrests/adapters/packet-store';
import { searchEngine } from '../search/adapters/engine';
import { searchPersonRecords } from './adapters/person-records';
import { deliveryPorts } from './adapters/wiring';
import { RULE_EVENTS } from './domain/rules';
import { disseminate } from './use-cases/disseminate';

const packets = new PacketStore(loadEnv({ TABLE_NAME: nonEmpty }).TABLE_NAME);
const ports = { ...deliveryPorts(), packet: (id: string) => packets.get(id), records: searchPersonRecords(searchEngine('query')) };

/** An arrest event the rules listen to (events/: the detail carries ids only). */
const ArrestEvent = z.object({
  source: z.literal('ciss.arrests'),
  'detail-type': z.enum(RULE_EVENTS),
  detail: z.object({ packetId: z.string().check(z.minLength(1)), packetVersion: z.int().check(z.positive()) }),
});

/** Runs the dissemination rules on an arrest event: each notice written once and e-mailed. */
export const handler = taskHandler(ArrestEvent, async (event) => {
  const outcomes = await disseminate({ detailType: event['detail-type'], packetId: event.detail.packetId, packetVersion: event.detail.packetVersion }, ports);
  logger.info('dissemination rules applied', { outcomes: outcomes.map((o) => `${o.rule}:${o.result}`) });
  return { outcomes };
});
