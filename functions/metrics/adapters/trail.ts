import { QueryCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { auditPartition } from '#shared/audit';
import { dynamo } from '#shared/clients/dynamo';
import type { TrailRecord } from '../domain/figures';
import type { TrailByType } from '../ports';

/**
 * The audit table read by type: the byType index (partition `type`, sort `sk`, which starts with
 * the record's time), so a month of one type is one query, paged, reading only that type's
 * records; and a subject's first record, one item from its own partition.
 */
export class DynamoTrailByType implements TrailByType {
  constructor(private readonly tableName: () => string) {}

  async ofType(type: string, from: string, to: string): Promise<TrailRecord[]> {
    const records: TrailRecord[] = [];
    let start: Record<string, NativeAttributeValue> | undefined;
    do {
      const out = await dynamo.send(
        new QueryCommand({
          TableName: this.tableName(),
          IndexName: 'byType',
          // `sk` is `<at>#…`: every record at or after `from` and before `to`.
          KeyConditionExpression: '#type = :type AND sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#type': 'type', '#at': 'at', '#subject': 'subject', '#details': 'details' },
          ExpressionAttributeValues: { ':type': type, ':from': from, ':to': to },
          ProjectionExpression: '#at, #subject, #details',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const at = String(item['at']);
        if (at >= to) continue;
        const subject = (item['subject'] ?? {}) as { type?: unknown; id?: unknown };
        records.push({ at, subject: { type: String(subject.type), id: String(subject.id) }, details: (item['details'] ?? {}) as Record<string, unknown> });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return records;
  }

  async firstAt(subject: { readonly type: string; readonly id: string }): Promise<string | undefined> {
    const out = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':pk': auditPartition(subject) },
        ProjectionExpression: '#at',
        ScanIndexForward: true,
        Limit: 1,
      }),
    );
    const at = out.Items?.[0]?.['at'];
    return typeof at === 'string' ? at : undefined;
  }
}
