import { AuditSubject, type AuditEvent, type AuditSource } from '#shared/audit';
import { NotFound } from '#shared/errors';
import type { Caller } from '#shared/http';
import type { RecordAnswer } from '../domain/answer';
import type { Purpose } from '../domain/purpose';
import { IDENTIFIER_KINDS, RecordIdSchema, recordKey, SourceIdSchema, type IdentifierKind, type PersonName, type RecordField, type RecordKind } from '../domain/record';
import { sourceOf } from '../domain/sources';
import { hiddenRecordsSql, redactFields, VISIBILITY_VERSION } from '../domain/visibility';
import type { SqlEngine } from '../ports';
import { displayName, isoSql } from './shared';

export interface RecordPorts {
  readonly engine: SqlEngine;
  record(event: AuditEvent): Promise<void>;
}

export interface RecordRequest {
  readonly caller: Caller;
  readonly source: AuditSource;
  readonly params: { readonly source?: string; readonly id?: string };
  /** Required for a well-formed source and id; a malformed one is a 404 before the purpose is read. */
  readonly purpose?: Purpose;
}

interface StoredRecord {
  readonly person?: { readonly names?: readonly PersonName[]; readonly dob?: string };
  readonly identifiers?: Partial<Record<IdentifierKind, readonly string[]>>;
  readonly fields?: readonly RecordField[];
}

/**
 * GET /search/records/{source}/{id} (certified users): one record in full, as the caller may see it.
 * 1. a malformed source or id, an absent, erased or sealed record, and one the caller's roles may
 *    not see all answer the same 404 (nothing tells them apart)
 * 2. the fields a role may not see are left out (domain/visibility.ts)
 * 3. the view is audited (`SearchRecordViewed`, subject `search-record` `<source>/<id>`, the purpose);
 *    a view refused is audited too, as a failure, with why (for the auditor, not the caller)
 */
export async function viewRecord(request: RecordRequest, ports: RecordPorts): Promise<RecordAnswer> {
  const { caller } = request;
  const source = SourceIdSchema.safeParse(request.params.source).data;
  const id = RecordIdSchema.safeParse(request.params.id).data;
  // A malformed source or id may be a probe (or a name): it is neither echoed nor audited.
  const shownKey = source && id ? recordKey(source, id) : '(malformed)';
  const audit = (outcome: 'success' | 'failure', extra: Record<string, string>) =>
    ports.record({
      type: 'SearchRecordViewed',
      outcome,
      actor: caller.username,
      component: 'search',
      subject: AuditSubject.of('search-record', shownKey),
      source: request.source,
      details: { purpose: request.purpose ?? null, rules: VISIBILITY_VERSION, ...extra },
    });
  const missing = () => new NotFound(source && id ? `No record ${shownKey} in search` : 'No record in search by that source and id');
  if (!source || !id || !sourceOf(source)) {
    await audit('failure', { reason: 'not-found' });
    throw missing();
  }
  const visible = hiddenRecordsSql(caller.roles);
  const rows = await ports.engine.query(
    `SELECT r.version::int AS version, r.kind, r.title, r.event_date::text AS date, r.town, r.juvenile, r.body::text AS body, ${isoSql('r.indexed_at')} AS indexed_at, (${visible.sql}) AS visible
     FROM search_record r WHERE r.source = :source AND r.record_id = :id`,
    { ...visible.params, source, id },
  );
  const row = rows[0];
  if (!row || row['visible'] !== true) {
    await audit('failure', { reason: row ? 'not-visible' : 'not-found' });
    throw missing();
  }
  const kind = String(row['kind']) as RecordKind;
  const juvenile = row['juvenile'] === true;
  const body = JSON.parse(String(row['body'])) as StoredRecord;
  const registry = sourceOf(source);
  await audit('success', {});
  return {
    source,
    sourceName: registry?.name ?? source,
    agency: registry?.agency ?? '',
    recordId: id,
    version: Number(row['version']),
    kind,
    title: String(row['title']),
    ...(typeof row['date'] === 'string' ? { date: row['date'] } : {}),
    ...(typeof row['town'] === 'string' ? { town: row['town'] } : {}),
    names: (body.person?.names ?? []).map(displayName),
    ...(body.person?.dob ? { dob: body.person.dob } : {}),
    identifiers: IDENTIFIER_KINDS.flatMap((k) => (body.identifiers?.[k] ?? []).map((value) => ({ kind: k, value }))),
    juvenile,
    fields: redactFields(caller.roles, { kind, juvenile }, body.fields ?? []),
    indexedAt: String(row['indexed_at']),
  };
}
