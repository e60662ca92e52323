import * as z from 'zod/mini';
import { lazy, once } from '#shared/lazy';
import { SEARCH_EVENTS_SOURCE, SearchRecordsWritten } from '#events/search-records-written';
import { loadEnv, nonEmpty } from '#shared/env';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { readPacket } from '../arrests/adapters/packet-store';
import { searchEngine } from '../search/adapters/engine';
import { searchPersonRecords } from './adapters/person-records';
import { deliveryPorts } from './adapters/wiring';
import { RULE_EVENTS } from './domain/rules';
import { disseminate, disseminateRecords, type RuleOutcome } from './use-cases/disseminate';

/** Made at the first event, not at import: the environment's checks are no cold start's cost. */
const ports = once(() => {
  const { TABLE_NAME } = loadEnv({ TABLE_NAME: nonEmpty });
  return { ...deliveryPorts(), packet: (id: string) => readPacket(TABLE_NAME, id), records: searchPersonRecords(searchEngine('query')) };
});

/** An arrest event the rules listen to (events/: the detail carries ids only). */
const ArrestEvent = /* @__PURE__ */ lazy(() => z.object({
  source: z.literal('ciss.arrests'),
  'detail-type': z.enum(RULE_EVENTS),
  detail: z.object({ packetId: z.string().check(z.minLength(1)), packetVersion: z.int().check(z.positive()) }),
}));

/** A source's records as search wrote them (events/search-records-written.ts: ids and versions only). */
const RecordsWrittenEvent = /* @__PURE__ */ lazy(() => z.object({
  source: z.literal(SEARCH_EVENTS_SOURCE),
  'detail-type': z.literal(SearchRecordsWritten.detailType),
  detail: SearchRecordsWritten.detail,
}));

/** What wakes it (its schemas built on the first event, not at cold start). */
const DisseminateEvent = /* @__PURE__ */ lazy(() => z.union([ArrestEvent, RecordsWrittenEvent]));

/** Runs the dissemination rules on an arrest event or on a source's records search wrote: each notice written once and e-mailed. */
export const handler = taskHandler(DisseminateEvent, async (event) => {
  const outcomes: RuleOutcome[] =
    event.source === 'ciss.arrests' && 'packetId' in event.detail
      ? await disseminate({ detailType: event['detail-type'], packetId: event.detail.packetId, packetVersion: event.detail.packetVersion }, ports())
      : 'records' in event.detail
        ? await disseminateRecords({ source: event.detail.source, records: event.detail.records }, ports())
        : [];
  logger.info('dissemination rules applied', { outcomes: outcomes.map((o) => `${o.rule}:${o.result}`) });
  return { outcomes };
});
