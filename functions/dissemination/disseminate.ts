import * as z from 'zod/mini';
import { loadEnv, nonEmpty } from '#shared/env';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { readPacket } from '../arrests/adapters/packet-store';
import { searchEngine } from '../search/adapters/engine';
import { searchPersonRecords } from './adapters/person-records';
import { deliveryPorts } from './adapters/wiring';
import { RULE_EVENTS, SOURCE_EVENT_PREFIX, SOURCE_RECORD_EVENT } from './domain/rules';
import { disseminate, disseminateRecords, type RuleOutcome } from './use-cases/disseminate';

const { TABLE_NAME } = loadEnv({ TABLE_NAME: nonEmpty });
const ports = { ...deliveryPorts(), packet: (id: string) => readPacket(TABLE_NAME, id), records: searchPersonRecords(searchEngine('query')) };

/** An arrest event the rules listen to (events/: the detail carries ids only). */
const ArrestEvent = z.object({
  source: z.literal('ciss.arrests'),
  'detail-type': z.enum(RULE_EVENTS),
  detail: z.object({ packetId: z.string().check(z.minLength(1)), packetVersion: z.int().check(z.positive()) }),
});

/** A source's record event (search's ingest reads the same event): its changes in the source's own shape. */
const SourceRecordsEvent = z.object({
  source: z.string().check(z.startsWith(SOURCE_EVENT_PREFIX)),
  'detail-type': z.literal(SOURCE_RECORD_EVENT),
  detail: z.object({ changes: z.array(z.unknown()).check(z.minLength(1), z.maxLength(1000)) }),
});

/** Runs the dissemination rules on an arrest event or a source's record event: each notice written once and e-mailed. */
export const handler = taskHandler(z.union([ArrestEvent, SourceRecordsEvent]), async (event) => {
  const outcomes: RuleOutcome[] =
    event.source === 'ciss.arrests' && 'packetId' in event.detail
      ? await disseminate({ detailType: event['detail-type'], packetId: event.detail.packetId, packetVersion: event.detail.packetVersion }, ports)
      : 'changes' in event.detail
        ? await disseminateRecords({ source: event.source.slice(SOURCE_EVENT_PREFIX.length), changes: event.detail.changes }, ports)
        : [];
  logger.info('dissemination rules applied', { outcomes: outcomes.map((o) => `${o.rule}:${o.result}`) });
  return { outcomes };
});
