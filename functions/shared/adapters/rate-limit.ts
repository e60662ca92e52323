import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/clients/dynamo';
import { isConditionFailure } from './transactions';

/**
 * A fixed-window counter per key, kept in the main table: one item per key and window, counted
 * with a conditional `ADD`, so every Lambda instance shares it and two concurrent calls can never
 * both take the last place (DynamoDB applies a conditional update to one item atomically). The
 * item expires by the table's TTL (`expiresAt`, epoch seconds) a few windows later; until TTL
 * removes it, a later window's key is another item, so a late deletion never lets more through.
 */
export class WindowCounter {
  constructor(
    private readonly tableName: string,
    private readonly name: string,
    readonly limit: number,
    private readonly windowSeconds = 60,
  ) {}

  /** Counts one for `key` in the window `now` falls in: its place (1 … limit), or undefined past the limit. */
  async take(key: string, now: Date): Promise<number | undefined> {
    const windowMs = this.windowSeconds * 1000;
    const start = Math.floor(now.getTime() / windowMs) * windowMs;
    try {
      const out = await dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `RATE#${this.name}#${key}`, sk: new Date(start).toISOString() },
          UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': this.limit, ':expires': Math.ceil((start + 5 * windowMs) / 1000) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const hits = out.Attributes?.['hits'];
      return typeof hits === 'number' ? hits : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
