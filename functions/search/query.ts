import { randomUUID } from 'node:crypto';
import { recordAudit, sourceOf } from '#shared/audit';
import { Cursors, secretCursorKeys } from '#shared/cursor';
import { loadEnv, nonEmpty } from '#shared/env';
import { once } from '#shared/lazy';
import { json, parseWith, routeHandler } from '#shared/http';
import { now } from '#shared/time';
import { searchEngine } from './adapters/engine';
import { SearchQuerySchema } from './domain/query';
import { searchQuery } from './routes';
import { search, type SearchPorts } from './use-cases/search';

/** Made at the first request, not at import: the environment's check and the cursor keys' adapter are no cold start's cost. */
const ports = once((): SearchPorts => {
  const config = loadEnv({ CURSOR_KEY_SECRET_ID: nonEmpty });
  return { engine: searchEngine('query'), cursors: new Cursors(secretCursorKeys(config.CURSOR_KEY_SECRET_ID)), record: recordAudit, now, newId: () => `sq-${randomUUID()}` };
});

/**
 * GET /search?q=&purpose=&source=&kind=&from=&to=&town=&limit=&nextToken=: the one box, grouped by
 * likely person; audited. The caller's account is checked while the engine searches (the search
 * writes its log and audit, and answers, only once it passed).
 */
export const handler = routeHandler(
  searchQuery,
  async (event) => {
    const query = parseWith(SearchQuerySchema, event.queryStringParameters ?? {});
    return json(200, await search({ caller: event.caller, source: sourceOf(event), query, admitted: event.admitted }, ports()));
  },
  { accountCheck: 'alongside' },
);
