import { describe, expect, it } from '@jest/globals';
import { consumedUnits, countRequests, delta, kindOf, parseRequests, perUnit, rewriteKeys, sourceOf, tablesOf, writtenKeyValues, type WireRequest } from '../../bench/dynamo';
import { StorageReplay } from '../../bench/storage';

const wire = (operation: string, body: unknown): WireRequest => ({ operation, headers: {}, body: JSON.stringify(body) });
const schemas = { main: ['pk', 'sk'], audit: ['pk', 'sk'], sfn: ['pk', 'sk'] };

describe('bench: DynamoDB request classification', () => {
  it('bills reads, writes and transactions by operation, and the rest as control', () => {
    expect(['GetItem', 'Query', 'Scan', 'BatchGetItem'].map(kindOf)).toEqual(['read', 'read', 'read', 'read']);
    expect(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].map(kindOf)).toEqual(['write', 'write', 'write', 'write']);
    expect(['TransactWriteItems', 'TransactGetItems'].map(kindOf)).toEqual(['transaction', 'transaction']);
    expect(kindOf('DescribeTable')).toBe('control');
  });

  it('counts operations into kinds, from a list or a tally, and per item', () => {
    const counts = countRequests(['GetItem', 'GetItem', 'TransactWriteItems', 'PutItem', 'DescribeTable']);
    expect(counts).toEqual({ total: 5, read: 2, write: 1, transaction: 1, control: 1, byOperation: { DescribeTable: 1, GetItem: 2, PutItem: 1, TransactWriteItems: 1 } });
    expect(countRequests(new Map([['Query', 3]]))).toMatchObject({ total: 3, read: 3 });
    expect(perUnit(countRequests(new Map([['GetItem', 10], ['PutItem', 5]])), 4)).toMatchObject({ total: 3.75, read: 2.5, write: 1.25, byOperation: { GetItem: 2.5, PutItem: 1.25 } });
  });

  it('takes the difference of two tallies, keeping what grew', () => {
    expect([...delta(new Map([['GetItem', 7], ['PutItem', 2]]), new Map([['GetItem', 4], ['PutItem', 2]]))]).toEqual([['GetItem', 3]]);
  });

  it("tells the emulator's store requests from the application's by the tables they name", () => {
    const tx = JSON.stringify({ TransactItems: [{ Put: { TableName: 'main', Item: {} } }, { Update: { TableName: 'audit', Key: {} } }] });
    expect(tablesOf(tx)).toEqual(['main', 'audit']);
    expect(tablesOf(JSON.stringify({ RequestItems: { main: [], audit: [] } }))).toEqual(['main', 'audit']);
    expect(sourceOf(JSON.stringify({ TableName: 'sfn' }), 'sfn')).toBe('emulator');
    expect(sourceOf(tx, 'sfn')).toBe('application');
  });
});

describe('bench: requests cut out of a recorded byte stream', () => {
  const http = (target: string, body: string): string => `POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.${target}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  it('parses back-to-back requests and leaves an incomplete one for later', () => {
    const first = http('GetItem', '{"TableName":"main"}');
    const second = http('PutItem', '{"TableName":"main","Item":{"é":{"S":"x"}}}');
    const { requests, starts, rest } = parseRequests(Buffer.concat([Buffer.from(first), Buffer.from(second), Buffer.from(second).subarray(0, 30)]));
    expect(requests.map((r) => r.operation)).toEqual(['GetItem', 'PutItem']);
    expect(requests[1]?.body).toBe('{"TableName":"main","Item":{"é":{"S":"x"}}}');
    expect(requests[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(starts).toEqual([0, Buffer.byteLength(first)]);
    expect(rest.length).toBe(30);
  });
});

describe('bench: key rewriting for the storage replay', () => {
  const sequence = [
    wire('TransactWriteItems', {
      ClientRequestToken: 'token-1',
      TransactItems: [
        { Put: { TableName: 'main', Item: { pk: { S: 'PACKET#1' }, sk: { S: 'META' }, status: { S: 'META' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: 'audit', Item: { pk: { S: 'PACKET#1' }, sk: { S: '2026#a' } } } },
      ],
    }),
    wire('GetItem', { TableName: 'main', Key: { pk: { S: 'PACKET#1' }, sk: { S: 'META' } } }),
    wire('GetItem', { TableName: 'main', Key: { pk: { S: 'COURT' }, sk: { S: 'GA23' } } }),
    wire('Query', { TableName: 'audit', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'PACKET#1' } } }),
  ];

  it('collects the key values of written items only', () => {
    expect([...writtenKeyValues(sequence, schemas)].sort()).toEqual(['2026#a', 'META', 'PACKET#1']);
  });

  it('renames written keys wherever a key is given, and leaves read-only keys and non-key attributes alone', () => {
    const written = writtenKeyValues(sequence, schemas);
    const [tx, get, reference, query] = sequence.map((r) => JSON.parse(rewriteKeys(r, schemas, written, 'r1')) as Record<string, never>);
    expect(tx).toMatchObject({
      TransactItems: [{ Put: { Item: { pk: { S: 'PACKET#1~r1' }, sk: { S: 'META~r1' }, status: { S: 'META' } } } }, { Put: { Item: { pk: { S: 'PACKET#1~r1' }, sk: { S: '2026#a~r1' } } } }],
    });
    expect(get).toMatchObject({ Key: { pk: { S: 'PACKET#1~r1' }, sk: { S: 'META~r1' } } });
    expect(reference).toMatchObject({ Key: { pk: { S: 'COURT' }, sk: { S: 'GA23' } } });
    expect(query).toMatchObject({ ExpressionAttributeValues: { ':pk': { S: 'PACKET#1~r1' } } });
  });

  it('gives each copy its own idempotency token, stable per copy', () => {
    const written = writtenKeyValues(sequence, schemas);
    const token = (suffix: string): unknown => (JSON.parse(rewriteKeys(sequence[0] as WireRequest, schemas, written, suffix)) as { ClientRequestToken: string }).ClientRequestToken;
    expect(token('r1')).toBe(token('r1'));
    expect(token('r1')).not.toBe(token('r2'));
    expect(token('r1')).not.toBe('token-1');
    expect(String(token('r1')).length).toBeLessThanOrEqual(36);
  });

  it('renames keys in batch writes', () => {
    const batch = wire('BatchWriteItem', { RequestItems: { main: [{ PutRequest: { Item: { pk: { S: 'A' }, sk: { S: 'B' }, x: { S: 'A' } } } }, { DeleteRequest: { Key: { pk: { S: 'C' }, sk: { S: 'D' } } } }] } });
    const written = writtenKeyValues([batch], schemas);
    expect([...written].sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(JSON.parse(rewriteKeys(batch, schemas, written, 'z'))).toEqual({
      RequestItems: { main: [{ PutRequest: { Item: { pk: { S: 'A~z' }, sk: { S: 'B~z' }, x: { S: 'A' } } } }, { DeleteRequest: { Key: { pk: { S: 'C~z' }, sk: { S: 'D~z' } } } }] },
    });
  });
});

describe('bench: consumed capacity', () => {
  it('sums what a response reports, by kind when only a total is given', () => {
    expect(consumedUnits(JSON.stringify({ ConsumedCapacity: { TableName: 'main', CapacityUnits: 1 } }), 'read')).toEqual({ read: 1, write: 0 });
    expect(consumedUnits(JSON.stringify({ ConsumedCapacity: [{ TableName: 'main', CapacityUnits: 4 }, { TableName: 'audit', CapacityUnits: 2 }] }), 'transaction')).toEqual({ read: 0, write: 6 });
    expect(consumedUnits(JSON.stringify({ ConsumedCapacity: { ReadCapacityUnits: 0.5, WriteCapacityUnits: 2 } }), 'write')).toEqual({ read: 0.5, write: 2 });
    expect(consumedUnits('{}', 'write')).toEqual({ read: 0, write: 0 });
  });
});

describe('the trace’s description of a request', () => {
  it('names each key a BatchGetItem reads', async () => {
    const { describeRequest } = await import('../../bench/trace');
    const body = JSON.stringify({ RequestItems: { main: { Keys: [{ pk: { S: 'ACCESS#AR-20261130-00AA' }, sk: { S: 'REQUEST' } }, { pk: { S: 'TASKSTEP#access-request#AR-20261130-00AA#training-verification' }, sk: { S: 'CURRENT' } }], ConsistentRead: true } } });
    expect(describeRequest({ operation: 'BatchGetItem', headers: {}, body })).toBe('Get ACCESS#<id> / REQUEST; Get TASKSTEP#access-request#<id>#training-verification / CURRENT');
  });
});

describe('bench: a storage ceiling measured in parts', () => {
  it('is one closed loop over both runs: items over seconds, latencies pooled, errors summed', () => {
    const replay = new StorageReplay(0, [wire('GetItem', {}), wire('TransactWriteItems', {}), wire('PutItem', {})], schemas, 'test-');
    const before = { latencies: [10, 20, 30, 40], seconds: 1, errors: 0 };
    const after = { latencies: [100, 200], seconds: 2, errors: 2, firstError: 'PutItem #2: throttled' };

    const ceiling = replay.result(16, [before, after]);

    // 6 items in 3 s: 2/s, not the mean of 4/s and 1/s.
    expect({ items: ceiling.items, seconds: ceiling.seconds, itemsPerSecond: ceiling.itemsPerSecond }).toEqual({ items: 6, seconds: 3, itemsPerSecond: 2 });
    expect({ requestsPerSecond: ceiling.requestsPerSecond, transactionsPerSecond: ceiling.transactionsPerSecond }).toEqual({ requestsPerSecond: 6, transactionsPerSecond: 2 });
    expect(ceiling.latencyMs.n).toBe(6);
    expect(ceiling.latencyMs.p99).toBe(200);
    expect({ errors: ceiling.errors, firstError: ceiling.firstError, concurrency: ceiling.concurrency }).toEqual({ errors: 2, firstError: 'PutItem #2: throttled', concurrency: 16 });
    replay.close();
  });
});
