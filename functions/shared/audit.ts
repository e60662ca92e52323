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

/**
 * The stored form of an audit event: an append-only item (its put is conditioned on not
 * existing), partitioned by subject so a record's trail reads in time order.
 */
export function auditItem(event: AuditEvent): Record<string, unknown> {
  const at = nowIso();
  // The high-resolution counter orders events written within one millisecond by one process.
  return { pk: `AUDIT#${event.subject.type}#${event.subject.id}`, sk: `${at}#${process.hrtime.bigint().toString().padStart(20, '0')}#${randomUUID().slice(0, 8)}`, at, ...event };
}

export async function recordAudit(tableName: string, event: AuditEvent): Promise<void> {
  await dynamo.send(new PutCommand({ TableName: tableName, Item: auditItem(event), ConditionExpression: 'attribute_not_exists(pk)' }));
}
