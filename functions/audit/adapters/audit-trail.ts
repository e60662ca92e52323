import { QueryCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { auditPartition } from '#shared/audit';
import { dynamo } from '#shared/clients/dynamo';
import type { DynamoKey } from '#shared/cursor';
import type { AuditCursor, AuditPage, AuditTrail } from '../use-cases/query';

/** Every key attribute of the audit table and its indexes is a string. */
const keyOf = (key: Record<string, NativeAttributeValue>): DynamoKey => Object.fromEntries(Object.entries(key).map(([k, v]) => [k, String(v)]));

/**
 * The audit table, read newest first between two instants (`sk` starts with the record's time):
 * one subject's partition, one actor's (the by-actor index), or day by day (the by-day index).
 */
export class DynamoAuditTrail implements AuditTrail {
  constructor(private readonly tableName: () => string) {}

  /** A page of one subject's or one actor's records; the cursor is the key to go on from. */
  async byKey(key: { readonly subject: { readonly type: string; readonly id: string } } | { readonly actor: string }, range: { readonly from: string; readonly to: string }, limit: number, start?: DynamoKey): Promise<AuditPage> {
    const subject = 'subject' in key;
    const out = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName(),
        IndexName: subject ? undefined : 'byActor',
        KeyConditionExpression: `${subject ? 'pk' : 'actor'} = :key AND sk BETWEEN :from AND :to`,
        ExpressionAttributeValues: { ':key': subject ? auditPartition(key.subject) : key.actor, ':from': range.from, ':to': `${range.to}~` },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: out.Items ?? [], next: out.LastEvaluatedKey ? { key: keyOf(out.LastEvaluatedKey) } : undefined };
  }

  /**
   * A page of the records of these days (newest day first), from where the cursor stopped: a day
   * and a key within it. A page ends where DynamoDB's page ends (the cursor holds that day and
   * key) or when it is full (the cursor holds the next day, if any).
   */
  async byDays(days: readonly string[], range: { readonly from: string; readonly to: string }, limit: number, cursor: AuditCursor): Promise<AuditPage> {
    const items: Record<string, NativeAttributeValue>[] = [];
    for (const day of cursor.day ? days.slice(days.indexOf(cursor.day)) : days) {
      const out = await dynamo.send(
        new QueryCommand({
          TableName: this.tableName(),
          IndexName: 'byDay',
          KeyConditionExpression: '#day = :day AND sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#day': 'day' },
          ExpressionAttributeValues: { ':day': day, ':from': range.from, ':to': `${range.to}~` },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: day === cursor.day ? cursor.key : undefined,
        }),
      );
      items.push(...(out.Items ?? []));
      if (out.LastEvaluatedKey) return { items, next: { day, key: keyOf(out.LastEvaluatedKey) } };
      if (items.length >= limit) {
        const later = days[days.indexOf(day) + 1];
        return { items, next: later ? { day: later } : undefined };
      }
    }
    return { items };
  }
}
