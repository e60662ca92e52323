import { DescribeTableCommand, DynamoDBClient, ListTablesCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { cli, describeWithCli, failure, givenEdge, json, stopEdge, type Edge } from './harness';

/** DynamoDB (JSON 1.0): DynamoDB Local behind the edge, with its ARNs in the runtime's region. */
describe('DynamoDB on the edge answers as DynamoDB does', () => {
  let edge: Edge;
  let dynamodb: DynamoDBClient;
  let table: string;

  beforeAll(async () => {
    edge = await givenEdge();
    dynamodb = new DynamoDBClient(edge.client);
    table = edge.h.runtime.names.tables.main;
  });
  afterAll(async () => {
    dynamodb.destroy();
    await stopEdge(edge);
  });

  // API_DescribeTable: TableArn, "The Amazon Resource Name (ARN) that uniquely identifies the
  // table", in the table's region (arn:aws:dynamodb:<region>:<account>:table/<name>), and each
  // index's IndexArn under it. DynamoDB Local makes them in region `ddblocal`.
  it('gives the table and index ARNs in the configured region', async () => {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.TableArn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${table}`);
    expect(Table?.GlobalSecondaryIndexes?.length).toBeGreaterThan(0);
    for (const index of Table?.GlobalSecondaryIndexes ?? []) expect(index.IndexArn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${table}/index/${index.IndexName}`);
    expect(JSON.stringify(Table)).not.toContain('ddblocal');
  });

  // DescribeTable: "TableName — The name of the table to describe. You can also provide the Amazon
  // Resource Name (ARN) of the table in this parameter."
  it('describes a table by the ARN it gave', async () => {
    const arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;
    await expect(dynamodb.send(new DescribeTableCommand({ TableName: arn }))).resolves.toMatchObject({ Table: { TableName: table, TableArn: arn } });
  });

  // API_UpdateTable answers a TableDescription too: its ARN is in the region as well.
  it('gives the region in the answer of a control-plane change', async () => {
    const out = await dynamodb.send(new UpdateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST' }));
    expect(out.TableDescription?.TableArn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${table}`);
  });

  // API_ListTables: TableNames; API_DescribeTable: ResourceNotFoundException for a table that does not exist.
  it('lists tables, and answers ResourceNotFoundException for a missing one', async () => {
    await expect(dynamodb.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: expect.arrayContaining([table]) });
    await expect(failure(dynamodb.send(new DescribeTableCommand({ TableName: 'no-such-table' })))).resolves.toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
  });

  describeWithCli('with the AWS CLI', () => {
    // The CLI checks the answer's x-amz-crc32, which the edge computes again after the rewrite.
    it('aws dynamodb describe-table gives the TableArn in the region', async () => {
      const out = json<{ Table: { TableArn: string } }>(await cli(edge, ['dynamodb', 'describe-table', '--table-name', table]));
      expect(out.Table.TableArn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${table}`);
    });
  });
});
