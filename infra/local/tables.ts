import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, UpdateTableCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tables, type TableName, type TableSpec } from '../manifest';
import type { LocalNames } from './refs';

/** The manifest's tables, made or brought up to date. */
export async function createTables(client: DynamoDBClient, names: LocalNames): Promise<void> {
  for (const [name, spec] of Object.entries(tables) as [TableName, TableSpec][]) await ensureTable(client, names.table(name), spec);
}

/** Creates a manifest table, or brings one kept from an earlier run up to the manifest (its indexes). */
export async function ensureTable(client: DynamoDBClient, tableName: string, spec: TableSpec): Promise<void> {
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    await addMissingIndexes(client, tableName, spec, new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? '')));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const attributes = new Set<string>([spec.partitionKey, spec.sortKey, ...Object.values(spec.indexes).flatMap((i) => [i.partitionKey, i.sortKey])]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        { AttributeName: spec.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [...attributes].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
      GlobalSecondaryIndexes: Object.entries(spec.indexes).map(([indexName, index]) => ({
        IndexName: indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  if (spec.timeToLiveAttribute) {
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: spec.timeToLiveAttribute } }));
  }
}

/**
 * A table kept under `.local/` from before the manifest gained an index gets it, as a CDK deploy
 * would add it (one at a time, as DynamoDB requires). Items written before have none of its keys,
 * so they are not in it: the index is sparse for them.
 */
async function addMissingIndexes(client: DynamoDBClient, tableName: string, spec: TableSpec, present: ReadonlySet<string>): Promise<void> {
  for (const [indexName, index] of Object.entries(spec.indexes)) {
    if (present.has(indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: indexName,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    await untilIndexActive(client, tableName, indexName);
  }
}

/**
 * DynamoDB builds one index at a time: the next waits until this one is ACTIVE (bounded; about a
 * second on an idle machine, much longer on a loaded one).
 */
async function untilIndexActive(client: DynamoDBClient, tableName: string, indexName: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName)?.IndexStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`Index ${indexName} of ${tableName} was not ACTIVE within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
