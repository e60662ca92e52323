import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/clients/dynamo';
import { nowIso } from './time';

declare const onlyTypeAndId: unique symbol;

/**
 * What an audit record is about: the record's type and id, and nothing else. The audit trail is
 * kept for good and cannot be changed, so it names records by id and leaves what they say (names,
 * dates of birth, e-mails) to the tables that can erase them. Made only by `AuditSubject.of`:
 * a task's or packet's own subject (with its title and facts) is not assignable here.
 */
export type AuditSubject = { readonly type: string; readonly id: string } & { readonly [onlyTypeAndId]: true };

export const AuditSubject = {
  of: (type: string, id: string): AuditSubject => ({ type, id }) as AuditSubject,
};

/** Where a call came from, as the gateway or the identity provider saw it. */
export interface AuditSource {
  readonly ip?: string;
  readonly userAgent?: string;
}

/** Values a record's details may hold: ids, codes, counts and flags. */
export type AuditDetails = Readonly<Record<string, string | number | boolean | null>>;

/** Who did what to which record, when, from where, and how it ended (CJIS AU-3). */
export interface AuditEvent {
  readonly type: string;
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly actor: string;
  readonly subject: AuditSubject;
  readonly component: string;
  readonly source?: AuditSource;
  readonly details?: AuditDetails;
}

/** Every field a stored audit record may have; nothing else is ever written. */
export const AUDIT_RECORD_FIELDS = ['pk', 'sk', 'at', 'day', 'type', 'outcome', 'actor', 'component', 'subject', 'source', 'details'] as const;

/** The audit table, from the function's environment. */
export function auditTable(): string {
  const name = process.env['AUDIT_TABLE_NAME'];
  if (!name) throw new Error('Invalid environment: AUDIT_TABLE_NAME is required to write the audit trail');
  return name;
}

/** The partition of one record's trail: `<subject type>#<subject id>` (also for the auditor's queries). */
export const auditPartition = (subject: { readonly type: string; readonly id: string }): string => `${subject.type}#${subject.id}`;

/**
 * The stored form of an audit event: partitioned by subject so a record's trail reads in time
 * order, with the actor and the day for the auditor's indexes. Each field is copied by name, so a
 * caller that widens an event with a cast still cannot store more than the record's fields.
 */
export function auditItem(event: AuditEvent): Record<(typeof AUDIT_RECORD_FIELDS)[number], unknown> {
  const at = nowIso();
  const subject = { type: event.subject.type, id: event.subject.id };
  const source = event.source && { ip: event.source.ip, userAgent: event.source.userAgent };
  // The high-resolution counter orders events written within one millisecond by one process.
  const sk = `${at}#${process.hrtime.bigint().toString().padStart(20, '0')}#${randomUUID().slice(0, 8)}`;
  return { pk: auditPartition(subject), sk, at, day: at.slice(0, 10), type: event.type, outcome: event.outcome, actor: event.actor, component: event.component, subject, source, details: event.details };
}

/** An audit event as one item of a transaction: put only where nothing is, in the audit table. */
export function auditPut(event: AuditEvent, table = auditTable()) {
  return { Put: { TableName: table, Item: auditItem(event), ConditionExpression: 'attribute_not_exists(pk)' } };
}

export async function recordAudit(event: AuditEvent): Promise<void> {
  await dynamo.send(new PutCommand(auditPut(event).Put));
}

/** Where a request came from, as API Gateway tells it (AU-3): for audit records. */
export function sourceOf(event: { readonly requestContext?: { readonly identity?: { readonly sourceIp?: string; readonly userAgent?: string | null } } }): { ip?: string; userAgent?: string } {
  return { ip: event.requestContext?.identity?.sourceIp, userAgent: event.requestContext?.identity?.userAgent ?? undefined };
}
