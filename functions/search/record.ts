import { recordAudit, sourceOf } from '#shared/audit';
import { json, parseWith, routeHandler } from '#shared/http';
import { searchEngine } from './adapters/engine';
import { RecordQuerySchema } from './domain/query';
import { RecordIdSchema, SourceIdSchema } from './domain/record';
import { searchRecord } from './routes';
import { viewRecord, type RecordPorts } from './use-cases/record';

const ports: RecordPorts = { engine: searchEngine('query'), record: recordAudit };

/** GET /search/records/{source}/{id}?purpose=: one record, as the caller may see it (404 alike when absent or hidden); audited. */
export const handler = routeHandler(searchRecord, async (event) => {
  // A malformed source or id names no record: a 404, as for a missing one, before the purpose is asked.
  const wellFormed = SourceIdSchema.safeParse(event.params.source).success && RecordIdSchema.safeParse(event.params.id).success;
  const purpose = wellFormed ? parseWith(RecordQuerySchema, event.queryStringParameters ?? {}).purpose : undefined;
  return json(200, await viewRecord({ caller: event.caller, source: sourceOf(event), params: event.params, purpose }, ports));
});
