/**
 * Ingestion: changes from a source system into CISS Search's engine.
 *
 * 1. Each change is checked (RecordChangeSchema); a bad one is rejected with its field and rule
 *    and the rest of its batch goes on.
 * 2. The good ones are applied in batches by the engine's one function, search_apply, which is
 *    idempotent by (source, record id, version): a replay changes nothing.
 * 3. Each erase or seal that is not already in force is audited (SearchRecordRemoved) with the
 *    record's key, the reason and the version, never its content. The audit is written before the
 *    batch is applied, so a failure in between is retried with its audit again (at least once),
 *    never removed without one.
 * 4. Where the caller asks (`announce`), the records the upserts wrote are told once all is applied.
 */
import * as z from 'zod/mini';
import { lazy } from '#shared/lazy';
import { zodEnglish } from '#shared/messages';
import { AuditSubject, type AuditEvent } from '#shared/audit';
import { connectorOf } from '../domain/connectors';
import { RecordChangeSchema, recordKey, type RecordChange } from '../domain/record';
import type { Source } from '../domain/sources';
import type { SqlEngine, SqlRow } from '../ports';

export interface IngestPorts {
  readonly engine: SqlEngine;
  readonly audit: (event: AuditEvent) => Promise<void>;
  /** Who applies the changes, for the audit trail. @default 'system' */
  readonly actor?: string;
  /** Changes per call of search_apply. @default 500 */
  readonly batchSize?: number;
  /** Bytes of JSON per call at most (the Data API takes up to 4 MiB a request; a quarter keeps each call short). @default 262144 */
  readonly batchBytes?: number;
  /**
   * Told, once every batch is applied, which records the upserts wrote (by source, id and version;
   * a replay's too: search_apply skips it, its record is in the index all the same). Where a source's
   * record event is heard (search-ingest: SearchRecordsWritten, which dissemination reads).
   */
  readonly announce?: (written: readonly WrittenRecord[]) => Promise<void>;
}

/** A record an upsert wrote: which, and at which version. */
export interface WrittenRecord {
  readonly source: string;
  readonly id: string;
  readonly version: number;
}

/** A change that was not applied: which (its place in what was given), the field and the rule. */
export interface Rejected {
  readonly index: number;
  readonly field: string;
  readonly rule: string;
}

export interface IngestOutcome {
  readonly applied: number;
  readonly skipped: number;
  readonly removed: number;
  readonly rejected: readonly Rejected[];
}

const ApplyAnswer = /* @__PURE__ */ lazy(() => z.object({ applied: z.number(), skipped: z.number(), removed: z.number() }));

export const APPLY_SQL = 'SELECT search_apply(:changes::jsonb)::text AS outcome';

/** The erases and seals of a batch that are not in force yet (no tombstone at that version, or the record still there). */
const PENDING_REMOVALS_SQL = `
SELECT c->>'source' AS source, c->>'id' AS id, (c->>'version')::float8 AS version, c->>'op' AS reason
FROM jsonb_array_elements(:changes::jsonb) c
LEFT JOIN search_tombstone t ON t.source = c->>'source' AND t.record_id = c->>'id'
WHERE c->>'op' IN ('erase', 'seal')
  AND (t.source IS NULL OR t.version < (c->>'version')::bigint OR (c->>'op' = 'erase' AND t.reason = 'seal')
       OR EXISTS (SELECT 1 FROM search_record s WHERE s.source = c->>'source' AND s.record_id = c->>'id'))`;

/** Checked changes, and those refused with their field and rule. */
export function check(changes: readonly unknown[]): { valid: { index: number; change: RecordChange }[]; rejected: Rejected[] } {
  const valid: { index: number; change: RecordChange }[] = [];
  const rejected: Rejected[] = [];
  changes.forEach((candidate, index) => {
    const parsed = RecordChangeSchema.safeParse(candidate, { error: zodEnglish });
    if (parsed.success) valid.push({ index, change: parsed.data });
    else {
      const issue = parsed.error.issues[0]!;
      rejected.push({ index, field: issue.path.join('.') || '(change)', rule: issue.message });
    }
  });
  return { valid, rejected };
}

/** Batches by count and by size of their JSON, in order. */
export function batches<T>(items: readonly T[], size: number, bytes: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let currentBytes = 2;
  for (const item of items) {
    const itemBytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (current.length > 0 && (current.length >= size || currentBytes + itemBytes > bytes)) {
      out.push(current);
      current = [];
      currentBytes = 2;
    }
    current.push(item);
    currentBytes += itemBytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Applies canonical changes (RecordChange, unchecked). */
export async function ingest(changes: readonly unknown[], ports: IngestPorts): Promise<IngestOutcome> {
  const { valid, rejected } = check(changes);
  let applied = 0;
  let skipped = 0;
  let removed = 0;
  for (const batch of batches(
    valid.map((v) => v.change),
    ports.batchSize ?? 500,
    ports.batchBytes ?? 256 * 1024,
  )) {
    const body = JSON.stringify(batch);
    if (batch.some((c) => c.op !== 'upsert')) await auditRemovals(body, ports);
    const [row] = await ports.engine.query(APPLY_SQL, { changes: body });
    const answer = ApplyAnswer.parse(JSON.parse(String(row?.['outcome'])));
    applied += answer.applied;
    skipped += answer.skipped;
    removed += answer.removed;
  }
  const written = valid.flatMap(({ change }) => (change.op === 'upsert' ? [{ source: change.record.source, id: change.record.id, version: change.record.version }] : []));
  if (ports.announce && written.length > 0) await ports.announce(written);
  return { applied, skipped, removed, rejected };
}

async function auditRemovals(body: string, ports: IngestPorts): Promise<void> {
  const pending = await ports.engine.query(PENDING_REMOVALS_SQL, { changes: body });
  // A few at a time: a batch of a bulk load may remove hundreds of records.
  for (let i = 0; i < pending.length; i += AUDIT_CONCURRENCY) await Promise.all(pending.slice(i, i + AUDIT_CONCURRENCY).map((row) => auditRemoval(row, ports)));
}

const AUDIT_CONCURRENCY = 16;

async function auditRemoval(row: SqlRow, ports: IngestPorts): Promise<void> {
  await ports.audit({
    type: 'SearchRecordRemoved',
    outcome: 'success',
    actor: ports.actor ?? 'system',
    component: 'search-ingest',
    subject: AuditSubject.of('search-record', recordKey(String(row['source']), String(row['id']))),
    details: { reason: String(row['reason']), version: Number(row['version']) },
  });
}

/**
 * Applies changes as a source delivers them: each mapped by the source's connector (its registry
 * entry), then as `ingest`. A change the connector cannot read is rejected like an invalid one.
 */
export async function ingestFromSource(source: Source, delivered: readonly unknown[], ports: IngestPorts): Promise<IngestOutcome> {
  const connector = connectorOf(source);
  const mapped: { index: number; change: unknown }[] = [];
  const refused: Rejected[] = [];
  delivered.forEach((change, index) => {
    const m = connector.map(change);
    if (m.ok) mapped.push({ index, change: m.change });
    else refused.push({ index, ...m.problem });
  });
  const outcome = await ingest(
    mapped.map((m) => m.change),
    ports,
  );
  const rejected = [...refused, ...outcome.rejected.map((r) => ({ ...r, index: mapped[r.index]!.index }))].sort((a, b) => a.index - b.index);
  return { ...outcome, rejected };
}

/** Where a source's deliveries stand: its cursor, and when it last succeeded or failed and why. */
export interface DeliveryState {
  readonly source: string;
  readonly cursor?: string;
  readonly lastOkAt?: string;
  readonly lastError?: string;
  readonly lastTryAt?: string;
}

/**
 * Records a delivery's outcome: ok (with the cursor it reached, if any) or the error (its message
 * only). `behind`: the source has more than one run took; its last try is cleared, so the next run
 * asks it again whatever its period.
 */
export async function recordDelivery(
  engine: SqlEngine,
  source: string,
  outcome: { readonly ok: true; readonly cursor?: string; readonly behind?: boolean } | { readonly ok: false; readonly error: string },
  at: string,
): Promise<void> {
  if (outcome.ok) {
    // The day it delivered on too (search_source_day: the program's figures count sources live in a period by it).
    await engine.query(
      `WITH state AS (
         INSERT INTO search_source_state (source, cursor, last_ok_at, last_try_at) VALUES (:source, :cursor, :at::timestamptz, CASE WHEN :behind THEN NULL ELSE :at::timestamptz END)
         ON CONFLICT (source) DO UPDATE SET cursor = coalesce(excluded.cursor, search_source_state.cursor), last_ok_at = excluded.last_ok_at, last_try_at = excluded.last_try_at
         RETURNING source)
       INSERT INTO search_source_day (source, day, deliveries) SELECT source, (:at::timestamptz AT TIME ZONE 'UTC')::date, 1 FROM state
       ON CONFLICT (source, day) DO UPDATE SET deliveries = search_source_day.deliveries + 1`,
      { source, cursor: outcome.cursor ?? null, at, behind: outcome.behind === true },
    );
  } else {
    await engine.query(
      `INSERT INTO search_source_state (source, last_error, last_try_at) VALUES (:source, :error, :at::timestamptz)
       ON CONFLICT (source) DO UPDATE SET last_error = excluded.last_error, last_try_at = excluded.last_try_at`,
      { source, error: outcome.error.slice(0, 500), at },
    );
  }
}

/** A source's delivery state, if it has any. */
export async function deliveryState(engine: SqlEngine, source: string): Promise<DeliveryState | undefined> {
  const [row] = await engine.query(
    `SELECT source, cursor, to_char(last_ok_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_ok_at, last_error,
            to_char(last_try_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_try_at
     FROM search_source_state WHERE source = :source`,
    { source },
  );
  if (!row) return undefined;
  const opt = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
  return { source, cursor: opt(row['cursor']), lastOkAt: opt(row['last_ok_at']), lastError: opt(row['last_error']), lastTryAt: opt(row['last_try_at']) };
}
