import * as z from 'zod/mini';
import { coercedNumber, isoDate, isoDateTime } from '#shared/formats';

/**
 * What the auditor may ask of the audit trail (GET /audit), and what a record looks like in the
 * answer. Pure (zod only): the portal's search form checks with the same schema the API parses.
 */

/** The longest time range one query may span (the by-day index is read a day at a time). */
export const MAX_DAYS = 31;

export const AuditQuerySchema = z.object({
  subjectType: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  subject: z.optional(z.string().check(z.minLength(1), z.maxLength(120))),
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(254))),
  from: z.optional(isoDateTime({ offset: true })),
  to: z.optional(isoDateTime({ offset: true })),
  limit: z._default(coercedNumber().check(z.int(), z.gte(1), z.lte(500)), 100),
}).check(z.refine((q) => q.subject || q.actor || q.from, { message: 'give a subject, an actor, or a time range (from, to)', path: ['subject'] }), z.refine((q) => !q.subject || q.subjectType, { message: 'give the subjectType with the subject (e.g. access-request, arrest-packet, account)', path: ['subjectType'] }));
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** A day of the audit trail: a UTC date, as the by-day index keys it. */
export const AuditDaySchema = isoDate({ message: 'must be a date, YYYY-MM-DD (a UTC day)' });

/** The time range of one UTC day, as `from` and `to` of a query. */
export const dayRange = (day: string): { readonly from: string; readonly to: string } => ({ from: `${day}T00:00:00.000Z`, to: `${day}T23:59:59.999Z` });

/** One audit record as GET /audit answers it: ids, codes and counts only (never personal data). */
export interface AuditRecordView {
  readonly at: string;
  readonly type: string;
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly actor: string;
  readonly component: string;
  readonly subject: { readonly type: string; readonly id: string };
  readonly source?: { readonly ip?: string; readonly userAgent?: string };
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** A page of GET /audit. */
export interface AuditAnswer {
  readonly records: readonly AuditRecordView[];
  /** Pass back as `nextToken` for the next page; null on the last. */
  readonly nextToken: string | null;
}
