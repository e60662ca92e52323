/**
 * The query log's retention: the words of each search (search_query) are kept beside the audit
 * trail, which names the query by id only and is kept for good; the words name people, so they
 * are kept as long as the audit rules ask and then purged.
 *
 * CJIS Security Policy AU-11 (audit record retention): at least one year. The retention is
 * QUERY_LOG_RETENTION_DAYS, 366 days: a full year even across a 29 February; the daily purge
 * removes a query's words within a day after that.
 *
 * 1. Delete the queries older than the retention, in one statement, as the purge user, which may
 *    delete from the query log and read its dates, nothing else (schema.sql).
 * 2. Audit the purge as a count with the cut-off (SearchQueryLogPurged): no query, no words.
 */
import { AuditSubject, type AuditEvent } from '#shared/audit';
import type { SqlEngine } from '../ports';

/** Days a query's words are kept (CJIS AU-11: audit records at least one year). */
export const QUERY_LOG_RETENTION_DAYS = 366;

const DAY = 86_400_000;

export const PURGE_SQL = `WITH gone AS (DELETE FROM search_query WHERE at < :before::timestamptz RETURNING 1) SELECT count(*)::int AS n FROM gone`;

export interface PurgePorts {
  readonly engine: SqlEngine;
  readonly audit: (event: AuditEvent) => Promise<void>;
  /** Now, ISO 8601. */
  readonly now: () => string;
  /** @default QUERY_LOG_RETENTION_DAYS */
  readonly retentionDays?: number;
}

export interface PurgeOutcome {
  /** Queries older than this were purged. */
  readonly before: string;
  readonly purged: number;
}

/** Purges the query log's words past their retention, and audits how many. */
export async function purgeQueryLog(ports: PurgePorts): Promise<PurgeOutcome> {
  const days = ports.retentionDays ?? QUERY_LOG_RETENTION_DAYS;
  if (!Number.isInteger(days) || days < 365) throw new Error(`The query log's retention must be a whole number of days, at least 365 (CJIS AU-11); it is ${days}`);
  const before = new Date(Date.parse(ports.now()) - days * DAY).toISOString();
  const [row] = await ports.engine.query(PURGE_SQL, { before });
  const purged = Number(row?.['n'] ?? 0);
  await ports.audit({
    type: 'SearchQueryLogPurged',
    outcome: 'success',
    actor: 'system',
    component: 'search-purge',
    subject: AuditSubject.of('search-query-log', 'search_query'),
    details: { purged, before, retentionDays: days },
  });
  return { before, purged };
}
