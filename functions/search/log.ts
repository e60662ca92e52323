import { recordAudit, sourceOf } from '#shared/audit';
import { Cursors, secretCursorKeys } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { once } from '#shared/lazy';
import { json, parseWith, routeHandler } from '#shared/http';
import { searchEngine } from './adapters/engine';
import { searchLog } from './routes';
import { listSearches, SearchLogQuerySchema, type SearchLogPorts } from './use-cases/log';

/** Made at the first request, not at import: the environment's check and the cursor keys' adapter are no cold start's cost. */
const ports = once((): SearchLogPorts => {
  const config = loadEnv({ CURSOR_KEY_SECRET_ID: nonEmpty });
  return { engine: searchEngine('query'), cursors: new Cursors(secretCursorKeys(config.CURSOR_KEY_SECRET_ID)), record: recordAudit };
});

/** GET /search/log?actor=&from=&to=&limit=&nextToken=: the auditor lists searches with their words and purpose; audited. */
export const handler = routeHandler(searchLog, async (event) => {
  const query = parseWith(SearchLogQuerySchema, event.queryStringParameters ?? {});
  return json(200, await listSearches({ caller: event.caller, source: sourceOf(event), query }, ports()));
});
