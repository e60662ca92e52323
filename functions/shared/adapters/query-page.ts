import { QueryCommand, type NativeAttributeValue, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/clients/dynamo';
import type { DynamoKey } from '../cursor';

/** A query of one index partition, newest first; `FilterExpression` narrows it to what the caller may see. */
export type PartitionQuery = Pick<QueryCommandInput, 'TableName' | 'IndexName' | 'KeyConditionExpression' | 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

export interface KeyPage {
  readonly items: Record<string, NativeAttributeValue>[];
  /** Where the next page starts; absent on the last. */
  readonly next?: DynamoKey;
}

/** Items a filtered query reads at a time, and how many reads one page may take. */
const FILTERED_BATCH = 100;
const MAX_READS = 10;

function keyOf(item: Record<string, NativeAttributeValue>, names: readonly string[]): DynamoKey {
  return Object.fromEntries(names.map((n) => [n, String(item[n])]));
}

/**
 * One page of up to `limit` items, newest first. With a filter, DynamoDB's `Limit` counts the
 * items read, not those kept, so this reads on until the page is full or the partition ends
 * (at most MAX_READS reads): a page is short only at the end, and an empty page with more to
 * come does not tell the caller that items it may not see lie there. The next page starts after
 * the last item returned, or, when the reads ran out, after the last item read (the cursor that
 * carries it is sealed).
 */
export async function queryPage(query: PartitionQuery, keyNames: readonly string[], limit: number, start?: DynamoKey): Promise<KeyPage> {
  const items: Record<string, NativeAttributeValue>[] = [];
  let from: Record<string, NativeAttributeValue> | undefined = start;
  for (let reads = 0; reads < MAX_READS; reads++) {
    const wanted = limit - items.length;
    const out = await dynamo.send(new QueryCommand({ ...query, ScanIndexForward: false, Limit: query.FilterExpression ? Math.max(wanted, FILTERED_BATCH) : wanted, ExclusiveStartKey: from }));
    const found = out.Items ?? [];
    if (found.length > wanted) {
      items.push(...found.slice(0, wanted));
      return { items, next: keyOf(items[items.length - 1] ?? {}, keyNames) };
    }
    items.push(...found);
    from = out.LastEvaluatedKey;
    if (!from) return { items };
    if (items.length === limit) return { items, next: keyOf(items[items.length - 1] ?? {}, keyNames) };
  }
  return { items, next: from ? keyOf(from, keyNames) : undefined };
}
