import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { AuditEvent } from '#shared/audit';
import { Cursors } from '#shared/cursor';
import type { Caller } from '#shared/http';
import { DynamoAuditTrail } from '../../functions/audit/adapters/audit-trail';
import { AuditQuerySchema, daysOf, queryAuditTrail, type AuditPage, type AuditQueryPorts, type AuditTrail } from '../../functions/audit/use-cases/query';

const RANGE = { from: '2026-11-27T00:00:00.000Z', to: '2026-11-29T12:00:00.000Z' };
const AUDITOR: Caller = { sub: 's', username: 'auditor-1', roles: ['auditor'], courts: [] };

describe('the audit trail in DynamoDB (DynamoAuditTrail)', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const trail = new DynamoAuditTrail(() => 'audit-table');
  afterEach(() => dynamo.reset());

  it("reads one subject's partition newest first between the two instants, going on from the cursor's key", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ pk: 'arrest-packet#ap-1', sk: 's1' }], LastEvaluatedKey: { pk: 'arrest-packet#ap-1', sk: 's1' } });

    const page = await trail.byKey({ subject: { type: 'arrest-packet', id: 'ap-1' } }, RANGE, 10, { pk: 'arrest-packet#ap-1', sk: 's0' });

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'audit-table',
      IndexName: undefined,
      KeyConditionExpression: 'pk = :key AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':key': 'arrest-packet#ap-1', ':from': RANGE.from, ':to': `${RANGE.to}~` },
      ScanIndexForward: false,
      Limit: 10,
      ExclusiveStartKey: { pk: 'arrest-packet#ap-1', sk: 's0' },
    });
    expect(page.next).toEqual({ key: { pk: 'arrest-packet#ap-1', sk: 's1' } });
  });

  it("reads one actor's records on the by-actor index, and ends without a cursor on the last page", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    const page = await trail.byKey({ actor: 'clerk@court.ct.example' }, RANGE, 10);

    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'byActor', KeyConditionExpression: 'actor = :key AND sk BETWEEN :from AND :to', ExpressionAttributeValues: expect.objectContaining({ ':key': 'clerk@court.ct.example' }) });
    expect(page).toEqual({ items: [], next: undefined });
  });

  it('reads day by day, newest first, asking each day only for what the page still lacks, and stops where DynamoDB stops', async () => {
    dynamo.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) =>
      input.ExpressionAttributeValues[':day'] === '2026-11-29' ? { Items: [{ sk: 'a' }, { sk: 'b' }] } : { Items: [{ sk: 'c' }], LastEvaluatedKey: { day: '2026-11-28', sk: 'c', pk: 'x' } },
    );

    const page = await trail.byDays(['2026-11-29', '2026-11-28', '2026-11-27'], RANGE, 5, {});

    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(dynamo).toHaveReceivedNthCommandWith(2, QueryCommand, { IndexName: 'byDay', Limit: 3, ExclusiveStartKey: undefined });
    expect(page).toEqual({ items: [{ sk: 'a' }, { sk: 'b' }, { sk: 'c' }], next: { day: '2026-11-28', key: { day: '2026-11-28', sk: 'c', pk: 'x' } } });
  });

  it("goes on from the cursor's day and key, and when a page fills at a day's end the cursor is the next day", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ sk: 'd' }, { sk: 'e' }] });

    const page = await trail.byDays(['2026-11-29', '2026-11-28', '2026-11-27'], RANGE, 2, { day: '2026-11-28', key: { pk: 'x', sk: 'c', day: '2026-11-28' } });

    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: expect.objectContaining({ ':day': '2026-11-28' }), ExclusiveStartKey: { pk: 'x', sk: 'c', day: '2026-11-28' } });
    expect(page.next).toEqual({ day: '2026-11-27' });
  });

  it('gives no cursor when the last day of the range is read to its end', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ sk: 'a' }] });

    await expect(trail.byDays(['2026-11-28', '2026-11-27'], RANGE, 10, {})).resolves.toEqual({ items: [{ sk: 'a' }, { sk: 'a' }] });
    expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 2);
  });
});

describe('querying the audit trail (queryAuditTrail)', () => {
  const key = Buffer.alloc(32, 4);
  function ports(pages: { byKey?: AuditPage; byDays?: AuditPage } = {}) {
    const calls: unknown[][] = [];
    const recorded: AuditEvent[] = [];
    const trail: AuditTrail = {
      byKey: async (...args) => {
        calls.push(['byKey', ...args]);
        return pages.byKey ?? { items: [] };
      },
      byDays: async (...args) => {
        calls.push(['byDays', ...args]);
        return pages.byDays ?? { items: [] };
      },
    };
    const p: AuditQueryPorts = {
      trail,
      cursors: new Cursors({ current: async () => key, all: async () => [key] }),
      record: async (e) => {
        recorded.push(e);
      },
      now: () => new Date(RANGE.to),
    };
    return { ports: p, calls, recorded };
  }
  const request = (query: Record<string, string>, parameters: Record<string, string> = query) => ({ caller: AUDITOR, source: { ip: '198.51.100.7' }, query: AuditQuerySchema.parse(query), parameters });

  it("answers a subject's records without their keys, and audits the query with the count", async () => {
    const fake = ports({ byKey: { items: [{ pk: 'arrest-packet#ap-1', sk: 's', day: '2026-11-29', type: 'ArrestPacketRead', actor: 'x' }] } });

    const answer = await queryAuditTrail(request({ subjectType: 'arrest-packet', subject: 'ap-1' }), fake.ports);

    expect(answer).toEqual({ records: [{ type: 'ArrestPacketRead', actor: 'x' }], nextToken: null });
    expect(fake.calls).toEqual([['byKey', { subject: { type: 'arrest-packet', id: 'ap-1' } }, { from: '0000', to: RANGE.to }, 100, undefined]]);
    expect(fake.recorded).toEqual([expect.objectContaining({ type: 'AuditTrailRead', actor: 'auditor-1', subject: { type: 'audit', id: 'arrest-packet#ap-1' }, details: { count: 1 } })]);
  });

  it('reads a time range day by day, up to now when it gives no end', async () => {
    const fake = ports();

    await queryAuditTrail(request({ from: RANGE.from }), fake.ports);

    expect(fake.calls).toEqual([['byDays', ['2026-11-29', '2026-11-28', '2026-11-27'], RANGE, 100, {}]]);
    expect(fake.recorded[0]?.subject.id).toBe(`${RANGE.from}..${RANGE.to}`);
  });

  it('takes a time range of 31 days and refuses a longer one, naming from, before reading anything', async () => {
    expect(daysOf('2026-10-30T00:00:00Z', '2026-11-29T00:00:00Z')).toHaveLength(31);
    const fake = ports();

    await expect(queryAuditTrail(request({ from: '2026-10-29T00:00:00Z', to: '2026-11-29T00:00:00Z' }), fake.ports)).rejects.toMatchObject({ problems: [{ field: 'from', rule: expect.stringContaining('at most 31 days') }] });
    expect(fake.calls).toEqual([]);
    expect(fake.recorded).toEqual([]);
  });

  it('gives a cursor that opens only for the same query and caller', async () => {
    const fake = ports({ byKey: { items: [], next: { key: { pk: 'p', sk: 's' } } } });
    const first = await queryAuditTrail(request({ actor: 'clerk' }), fake.ports);

    await queryAuditTrail(request({ actor: 'clerk' }, { actor: 'clerk', cursor: first.nextToken! }), fake.ports);
    expect(fake.calls[1]).toEqual(['byKey', { actor: 'clerk' }, expect.anything(), 100, { pk: 'p', sk: 's' }]);
    await expect(queryAuditTrail(request({ actor: 'other' }, { actor: 'other', nextToken: first.nextToken! }), fake.ports)).rejects.toMatchObject({ problems: [{ field: 'nextToken' }] });
  });
});
