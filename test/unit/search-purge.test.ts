import { jest } from '@jest/globals';
import type { PGlite } from '@electric-sql/pglite';
import type { AuditEvent } from '#shared/audit';
import type { SqlEngine } from '../../functions/search/ports';
import { purgeQueryLog, QUERY_LOG_RETENTION_DAYS } from '../../functions/search/use-cases/purge';
import { openSearchDatabase, PgliteEngine } from '../../infra/local/search/engine';

/** The query log's retention on the real engine, run as the purge user (schema.sql's grants), the clock moved by the test. */
let db: PGlite;
let admin: PgliteEngine;
/** Every statement as `search_purge`, as the local Data API runs the purge function's. */
let asPurge: SqlEngine;

beforeAll(async () => {
  db = await openSearchDatabase();
  admin = new PgliteEngine(db);
  const as = async <T>(work: () => Promise<T>): Promise<T> => {
    await db.exec('SET ROLE search_purge');
    try {
      return await work();
    } finally {
      await db.exec('RESET ROLE');
    }
  };
  asPurge = { query: (sql, params) => as(() => admin.query(sql, params)), batch: (sql, sets) => as(() => admin.batch(sql, sets)) };
}, 120_000);
afterAll(async () => {
  await db?.close();
});

const logged = async (id: string, at: string) =>
  admin.query(`INSERT INTO search_query (query_id, actor, at, purpose, text, results) VALUES (:id, 'user-1', :at::timestamptz, 'C', 'smith john', 3)`, { id, at });
const left = async () => (await admin.query('SELECT query_id FROM search_query ORDER BY at')).map((r) => r['query_id']);

describe("the query log's retention", () => {
  it('keeps a query for 366 days (CJIS AU-11: at least a year) and purges it after, as the purge user; each purge audited as a count, never the words', async () => {
    const audited: AuditEvent[] = [];
    let now = '2027-12-01T03:00:00.000Z';
    const ports = { engine: asPurge, audit: async (e: AuditEvent) => void audited.push(e), now: () => now };
    await logged('q-old', '2026-11-29T10:00:00Z');
    await logged('q-year', '2026-12-01T10:00:00Z');
    await logged('q-recent', '2027-06-01T10:00:00Z');

    expect(QUERY_LOG_RETENTION_DAYS).toBeGreaterThanOrEqual(366);
    await expect(purgeQueryLog(ports)).resolves.toEqual({ before: '2026-11-30T03:00:00.000Z', purged: 1 });
    expect(await left()).toEqual(['q-year', 'q-recent']);

    // Four days on: the query of a year ago passes its 366 days.
    now = '2027-12-05T03:00:00.000Z';
    await expect(purgeQueryLog(ports)).resolves.toMatchObject({ purged: 1 });
    await expect(purgeQueryLog(ports)).resolves.toMatchObject({ purged: 0 });
    expect(await left()).toEqual(['q-recent']);

    expect(audited.map((e) => e.details?.['purged'])).toEqual([1, 1, 0]);
    expect(audited[0]).toEqual({
      type: 'SearchQueryLogPurged',
      outcome: 'success',
      actor: 'system',
      component: 'search-purge',
      subject: { type: 'search-query-log', id: 'search_query' },
      details: { purged: 1, before: '2026-11-30T03:00:00.000Z', retentionDays: 366 },
    });
    expect(JSON.stringify(audited)).not.toMatch(/smith|user-1|q-old/);
  });

  it('refuses a retention shorter than a year, before deleting anything', async () => {
    await logged('q-kept', '2027-11-01T10:00:00Z');
    const audit = jest.fn<(event: AuditEvent) => Promise<void>>();
    await expect(purgeQueryLog({ engine: asPurge, audit, now: () => '2027-12-05T03:00:00.000Z', retentionDays: 30 })).rejects.toThrow(/at least 365 \(CJIS AU-11\)/);
    expect(await left()).toContain('q-kept');
    expect(audit).not.toHaveBeenCalled();
  });

  it('cannot, as the purge user, read the words or touch the index', async () => {
    await expect(asPurge.query('SELECT text FROM search_query')).rejects.toThrow(/permission denied/);
    await expect(asPurge.query('DELETE FROM search_record')).rejects.toThrow(/permission denied/);
  });
});
