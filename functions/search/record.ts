import { recordAudit, sourceOf } from '#shared/audit';
import { json, parseWith, routeHandler } from '#shared/http';
import { searchEngine } from './adapters/engine';
import { RecordQuerySchema } from './domain/query';
import { searchRecord } from './routes';
import { viewRecord, type RecordPorts } from './use-cases/record';

const ports: RecordPorts = { engine: searchEngine('query'), record: recordAudit };

/** GET /search/records/{source}/{id}?purpose=: one record, as the caller may see it (404 alike when absent or hidden); audited. */
export const handler = routeHandler(searchRecord, async (event) => {
  const { purpose } = parseWith(RecordQuerySchema, event.queryStringParameters ?? {});
  return json(200, await viewRecord({ caller: event.caller, source: sourceOf(event), params: event.params, purpose }, ports));
});
