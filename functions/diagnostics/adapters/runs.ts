import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/clients/dynamo';

const runKey = (runId: string, sk: 'CHECK' | 'PARKED' | 'EVENT') => ({ pk: `DIAG#${runId}`, sk });

/**
 * A diagnostics run's records on the main table, one item per step that leaves a trace (the
 * machine writes the run's own `RUN` item itself, with a DynamoDB integration).
 */
export class DiagnosticsRuns {
  constructor(private readonly tableName: string) {}

  /** Counts one more attempt of the run's check; the count survives retries and restarts. */
  async countCheckAttempt(runId: string): Promise<number> {
    const out = await dynamo.send(
      new UpdateCommand({ TableName: this.tableName, Key: runKey(runId, 'CHECK'), UpdateExpression: 'ADD attempts :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
    );
    return Number(out.Attributes?.['attempts'] ?? 1);
  }

  /** The run waits for its callback: which one (a fingerprint, never the token), since when. */
  async recordParked(runId: string, tokenFingerprint: string, parkedAt: string): Promise<void> {
    await dynamo.send(new PutCommand({ TableName: this.tableName, Item: { ...runKey(runId, 'PARKED'), tokenFingerprint, parkedAt } }));
  }

  /** The run's completion event reached its rule's target. */
  async recordDelivery(runId: string, delivery: { eventId: string; detailType: string; receivedAt: string }): Promise<void> {
    await dynamo.send(new PutCommand({ TableName: this.tableName, Item: { ...runKey(runId, 'EVENT'), ...delivery } }));
  }
}
