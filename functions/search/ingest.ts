import * as z from 'zod/mini';
import { lazy, once } from '#shared/lazy';
import { recordAudit } from '#shared/audit';
import { loadEnv, nonEmpty } from '#shared/env';
import { NotFound } from '#shared/errors';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/task';
import { nowIso } from '#shared/time';
import { searchEngine } from './adapters/engine';
import { announceWritten } from './adapters/written-events';
import { sourceOf } from './domain/sources';
import { ingestFromSource, recordDelivery } from './use-cases/ingest';

/** Where the records written are told, read at the first event (not at import). */
const busName = once(() => loadEnv({ EVENT_BUS_NAME: nonEmpty }).EVENT_BUS_NAME);

/** Where a source's events come from: `ciss.search.<source id>`. */
export const SOURCE_EVENT_PREFIX = 'ciss.search.';

/** A batch of changes a source pushed (EventBridge `SearchRecordsChanged`), each in the source's own shape. */
const SourceEvent = /* @__PURE__ */ lazy(() => z.object({
  source: z.string().check(z.startsWith(SOURCE_EVENT_PREFIX)),
  'detail-type': z.literal('SearchRecordsChanged'),
  detail: z.object({ changes: z.array(z.unknown()).check(z.minLength(1), z.maxLength(1000)) }),
}));

/**
 * A source's pushed changes into search: mapped by its connector, checked, applied. A change that
 * is not right is logged with its place, field and rule (never its values) and the rest go on.
 * The records it wrote are told on the bus (SearchRecordsWritten: ids and versions), for the
 * dissemination rules that name the source.
 */
export const handler = taskHandler(SourceEvent, async (event) => {
  const source = sourceOf(event.source.slice(SOURCE_EVENT_PREFIX.length));
  if (!source) throw new NotFound(`No source system ${event.source}`);
  const engine = searchEngine('ingest');
  const outcome = await ingestFromSource(source, event.detail.changes, { engine, audit: recordAudit, announce: announceWritten(busName()) });
  await recordDelivery(engine, source.id, { ok: true }, nowIso());
  if (outcome.rejected.length > 0) logger.warn('search changes rejected', { source: source.id, rejected: outcome.rejected.slice(0, 20), count: outcome.rejected.length });
  return { applied: outcome.applied, skipped: outcome.skipped, removed: outcome.removed, rejected: outcome.rejected.length };
});
