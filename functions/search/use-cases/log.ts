import * as z from 'zod/mini';
import { lazy } from '#shared/lazy';
import { coercedNumber, isoDateTime } from '#shared/formats';
import { AuditSubject, type AuditEvent, type AuditSource } from '#shared/audit';
import type { Cursors } from '#shared/cursor';
import type { Caller } from '#shared/http';
import type { LoggedSearch } from '../domain/answer';
import type { SqlEngine } from '../ports';
import { isoSql } from './shared';

/** GET /search/log's query string: whose searches, over which time, a page at a time. */
export const SearchLogQuerySchema = /* @__PURE__ */ lazy(() => z.object({
  actor: z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(254, 'must be at most 254 characters'))),
  from: z.optional(isoDateTime({ offset: true, error: 'must be a date and time, e.g. 2026-11-01T00:00:00Z' })),
  to: z.optional(isoDateTime({ offset: true, error: 'must be a date and time, e.g. 2026-11-30T23:59:59Z' })),
  limit: z._default(coercedNumber({ error: 'must be a whole number' }).check(z.int('must be a whole number'), z.gte(1, 'must be at least 1'), z.lte(200, 'must be at most 200')), 50),
  nextToken: z.optional(z.string()),
}).check(z.refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after to', path: ['from'] })));
export type SearchLogQuery = z.infer<typeof SearchLogQuerySchema>;

const LogCursorSchema = /* @__PURE__ */ lazy(() => z.object({ at: z.string(), id: z.string() }));

export interface SearchLogPorts {
  readonly engine: SqlEngine;
  readonly cursors: Pick<Cursors, 'open' | 'seal'>;
  record(event: AuditEvent): Promise<void>;
}

export interface SearchLogAnswer {
  readonly searches: readonly LoggedSearch[];
  readonly nextToken: string | null;
}

/**
 * GET /search/log (auditor): the searches made, newest first, by one user or by everyone, over a
 * time range, with their words, purpose, filters and result counts (search_query: the words live
 * there, not in the audit trail, which names each query by id).
 * 1. the cursor opens only for this list, these filters and this caller (400 naming it otherwise)
 * 2. one page from search_query, newest first
 * 3. the read is itself audited (`SearchLogRead`: whose searches, how many), then answered
 */
export async function listSearches(request: { readonly caller: Caller; readonly source: AuditSource; readonly query: SearchLogQuery }, ports: SearchLogPorts): Promise<SearchLogAnswer> {
  const q = request.query;
  const scope = { list: 'search-log', caller: request.caller, query: { actor: q.actor, from: q.from, to: q.to } };
  const after = await ports.cursors.open(q.nextToken, scope, LogCursorSchema);
  const where: string[] = [];
  const params: Record<string, string | number> = { limit: q.limit + 1 };
  if (q.actor) {
    where.push('actor = :actor');
    params['actor'] = q.actor;
  }
  if (q.from) {
    where.push('at >= :from::timestamptz');
    params['from'] = q.from;
  }
  if (q.to) {
    where.push('at <= :to::timestamptz');
    params['to'] = q.to;
  }
  if (after) {
    where.push('(at, query_id) < (:after_at::timestamptz, :after_id)');
    params['after_at'] = after.at;
    params['after_id'] = after.id;
  }
  const rows = await ports.engine.query(
    `SELECT query_id, actor, ${isoSql('at')} AS at, purpose, text, filters::text AS filters, results
     FROM search_query ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY at DESC, query_id DESC
     LIMIT :limit`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const searches: LoggedSearch[] = page.map((r) => ({
    queryId: String(r['query_id']),
    actor: String(r['actor']),
    at: String(r['at']),
    purpose: String(r['purpose']),
    text: String(r['text']),
    filters: JSON.parse(String(r['filters'])) as Record<string, string>,
    results: Number(r['results']),
  }));
  const last = searches.at(-1);
  await ports.record({
    type: 'SearchLogRead',
    outcome: 'success',
    actor: request.caller.username,
    component: 'search',
    subject: AuditSubject.of('search-log', q.actor ? `actor:${q.actor}` : `${q.from ?? ''}..${q.to ?? ''}`),
    source: request.source,
    details: { count: searches.length },
  });
  return { searches, nextToken: await ports.cursors.seal(scope, rows.length > q.limit && last ? { at: last.at, id: last.queryId } : undefined) };
}
