import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './clients';
import { nowIso } from './time';

/** Who did what to which record, when, from where, and how it ended (CJIS AU-3). */
export interface AuditEvent {
  readonly type: string;
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly actor: string;
  readonly subject: { readonly type: string; readonly id: string };
  readonly component: string;
  readonly source?: { readonly ip?: string; readonly userAgent?: string };
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** The audit table, from the function's environment. */
export function auditTable(): string {
  const name = process.env['AUDIT_TABLE_NAME'];
  if (!name) throw new Error('Invalid environment: AUDIT_TABLE_NAME is required to write the audit trail');
  return name;
}

/** The partition of one record's trail: `<subject type>#<subject id>`. */
export const auditPartition = (subject: AuditEvent['subject']): string => `${subject.type}#${subject.id}`;

/**
 * The stored form of an audit event: partitioned by subject so a record's trail reads in time
 * order, with the actor and the day for the auditor's indexes.
 */
export function auditItem(event: AuditEvent): Record<string, unknown> {
  const at = nowIso();
  // The high-resolution counter orders events written within one millisecond by one process.
  return { pk: auditPartition(event.subject), sk: `${at}#${process.hrtime.bigint().toString().padStart(20, '0')}#${randomUUID().slice(0, 8)}`, at, day: at.slice(0, 10), ...event };
}

/** An audit event as one item of a transaction: put only where nothing is, in the audit table. */
export function auditPut(event: AuditEvent) {
  return { Put: { TableName: auditTable(), Item: auditItem(event), ConditionExpression: 'attribute_not_exists(pk)' } };
}

export async function recordAudit(event: AuditEvent): Promise<void> {
  await dynamo.send(new PutCommand(auditPut(event).Put));
}
