import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { tables } from '../../infra/manifest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb';
import { ensureTable } from '../../infra/local/runtime';

/**
 * A table kept under `.local/` from before the manifest gained an index (issue 12's `byKind`)
 * gets the index at the next start, as a CDK deploy would add it; without it every unfiltered
 * list would fail.
 */
describe('local tables kept from an earlier run', () => {
  // Its own DynamoDB Local: building an index is background work that the suite's shared one
  // does behind every other test file's requests.
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  it('gain the indexes the manifest added since', async () => {
    const name = `ciss-old${randomUUID().slice(0, 8)}-main`;
    const key = (pk: string, sk: string) => [
      { AttributeName: pk, KeyType: 'HASH' as const },
      { AttributeName: sk, KeyType: 'RANGE' as const },
    ];
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: key('pk', 'sk'),
        AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
        GlobalSecondaryIndexes: [{ IndexName: 'byStatus', KeySchema: key('gsi1pk', 'gsi1sk'), Projection: { ProjectionType: 'ALL' } }],
      }),
    );

    await ensureTable(client, name, tables.main);

    const described = await client.send(new DescribeTableCommand({ TableName: name }));
    expect((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(Object.keys(tables.main.indexes).sort());
  }, 180_000);
});
