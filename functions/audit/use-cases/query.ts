import * as z from 'zod/mini';
import { AuditSubject, type AuditEvent, type AuditSource } from '#shared/audit';
import { cursorParam, DynamoKeySchema, type Cursors } from '#shared/cursor';
import { ValidationFailed } from '#shared/errors';
import type { Caller } from '#shared/http';
import { MAX_DAYS, type AuditAnswer, type AuditQuery, type AuditRecordView } from '../domain/query';

export { AuditQuerySchema, MAX_DAYS, type AuditQuery } from '../domain/query';

/** Where the next page starts: a day of the time range, and a key within it (or within the subject or actor). */
export const AuditCursorSchema = z.object({ day: z.optional(z.string()), key: z.optional(DynamoKeySchema) });
export type AuditCursor = z.infer<typeof AuditCursorSchema>;

export interface AuditPage {
  readonly items: readonly Record<string, unknown>[];
  readonly next?: AuditCursor;
}

/** The audit trail as the query reads it (adapters/audit-trail.ts). */
export interface AuditTrail {
  byKey(key: { readonly subject: { readonly type: string; readonly id: string } } | { readonly actor: string }, range: { readonly from: string; readonly to: string }, limit: number, start?: AuditCursor['key']): Promise<AuditPage>;
  byDays(days: readonly string[], range: { readonly from: string; readonly to: string }, limit: number, cursor: AuditCursor): Promise<AuditPage>;
}

export interface AuditQueryPorts {
  readonly trail: AuditTrail;
  readonly cursors: Pick<Cursors, 'open' | 'seal'>;
  /** Appends to the audit trail (the query itself is audited). */
  record(event: AuditEvent): Promise<void>;
  now(): Date;
}

/** The days from `to` back to `from` (UTC dates), newest first; 400 past MAX_DAYS. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(to.slice(0, 10)); d.toISOString().slice(0, 10) >= from.slice(0, 10); d.setUTCDate(d.getUTCDate() - 1)) {
    days.push(d.toISOString().slice(0, 10));
    if (days.length > MAX_DAYS) throw new ValidationFailed([{ field: 'from', rule: `a time range may span at most ${MAX_DAYS} days; narrow it or query by subject or actor` }]);
  }
  return days;
}

/**
 * GET /audit (auditor): the audit trail by subject, by actor, or by time, newest first within the
 * range, a page at a time.
 * 1. the cursor opens only for this list, these filters and this caller (400 naming it otherwise)
 * 2. by subject or actor: one query; by time: day by day, at most MAX_DAYS days (400 otherwise)
 * 3. the read is itself audited (what was asked, how many records), then answered
 */
export async function queryAuditTrail(request: { readonly caller: Caller; readonly source: AuditSource; readonly query: AuditQuery; readonly parameters: Readonly<Record<string, string | undefined>> | null }, ports: AuditQueryPorts): Promise<AuditAnswer> {
  const q = request.query;
  const scope = { list: 'audit', caller: request.caller, query: { subjectType: q.subjectType, subject: q.subject, actor: q.actor, from: q.from, to: q.to } };
  const { token, param } = cursorParam(request.parameters, 'cursor');
  const cursor: AuditCursor = (await ports.cursors.open(token, scope, AuditCursorSchema, param)) ?? {};
  const range = { from: q.from ?? '0000', to: q.to ?? ports.now().toISOString() };
  const page = q.subject
    ? await ports.trail.byKey({ subject: { type: q.subjectType ?? '', id: q.subject } }, range, q.limit, cursor.key)
    : q.actor
      ? await ports.trail.byKey({ actor: q.actor }, range, q.limit, cursor.key)
      : await ports.trail.byDays(daysOf(range.from, range.to), range, q.limit, cursor);
  await ports.record({
    type: 'AuditTrailRead',
    outcome: 'success',
    actor: request.caller.username,
    component: 'audit',
    subject: AuditSubject.of('audit', q.subject ? `${q.subjectType}#${q.subject}` : q.actor ? `actor:${q.actor}` : `${range.from}..${range.to}`),
    source: request.source,
    details: { count: page.items.length },
  });
  return {
    // Stored items hold exactly the record's fields (auditItem): the keys go, the rest is the view.
    records: page.items.map(({ pk: _pk, sk: _sk, day: _day, ...record }) => record as unknown as AuditRecordView),
    nextToken: await ports.cursors.seal(scope, page.next),
  };
}
