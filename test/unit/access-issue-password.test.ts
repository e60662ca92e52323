/**
 * access-issue-password on mocked DynamoDB and SES: a first issue whose execution carries the
 * employee reads nothing; a retried step, a reissue, or an execution without its view reads the
 * request, as before.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { AccessRequest } from '../../functions/access/domain/request';

const dynamo = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const context = { awsRequestId: 'a1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
const REQUEST_ID = 'AR-20261130-00000000AA';
const employee = { fullName: 'Jane Q. Doe', email: 'jane.doe@police.ct.example' };
const stored = (overrides: Partial<AccessRequest> = {}) => ({
  pk: `ACCESS#${REQUEST_ID}`,
  sk: 'REQUEST',
  requestId: REQUEST_ID,
  status: 'TRAINING_VERIFICATION',
  employee: { ...employee, jobTitle: 'Records clerk' },
  ori: 'CT0000100',
  justification: 'x',
  requestedBy: { username: 'admin.a', email: 'admin@police.ct.example' },
  createdAt: '2026-11-29T12:00:00.000Z',
  updatedAt: '2026-11-29T12:00:00.000Z',
  ...overrides,
});
const conditionFailed = () => Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException' });

let handler: (event: unknown, context: Context) => Promise<{ temporaryPasswordExpiresAt: string }>;

const ENV = { TABLE_NAME: 'main', AUDIT_TABLE_NAME: 'audit', PUBLIC_API_URL: 'https://api.example', CCHRS_UNIT_EMAIL: 'unit@dpscs.ct.example', SENDER_EMAIL: 'no-reply@ct.example' };
const before = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));

beforeAll(async () => {
  Object.assign(process.env, ENV);
  ({ handler } = await import('../../functions/access/issue-password'));
});

afterAll(() => {
  // The worker's next test files see the environment they would have seen without this one.
  for (const [k, v] of Object.entries(before)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

beforeEach(() => {
  dynamo.reset();
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

/** The request's and the account's updates of the one transaction written. */
function written(call = 0) {
  const items = (dynamo.commandCalls(TransactWriteCommand)[call]?.args[0].input as TransactWriteCommandInput).TransactItems ?? [];
  const update = (pk: string) => items.find((i) => i.Update?.Key?.['pk'] === pk)?.Update;
  return { request: update(`ACCESS#${REQUEST_ID}`), account: update(`ACCOUNT#${employee.email}`), audits: items.filter((i) => i.Put?.TableName === 'audit').map((i) => i.Put?.Item) };
}

describe('issuing the temporary password (access-issue-password)', () => {
  it('issues the first password without reading the request when the execution carries the employee: one transaction, conditional on the request awaiting verification with no issue', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await handler({ requestId: REQUEST_ID, view: { ori: 'CT0000100', employee, title: 't', facts: [] }, decision: { decision: 'verified' } }, context);

    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 0);
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const { request, account, audits } = written();
    expect(request?.ConditionExpression).toBe('#status IN (:from0) AND attribute_not_exists(#seen0)');
    expect(request?.ExpressionAttributeValues).toMatchObject({ ':from0': 'TRAINING_VERIFICATION', ':to': 'TEMPORARY_PASSWORD_ISSUED', ':issue': 1 });
    expect(account?.ExpressionAttributeValues).toMatchObject({ ':email': employee.email, ':requestId': REQUEST_ID, ':ori': 'CT0000100', ':issue': 1 });
    expect(audits).toEqual([expect.objectContaining({ type: 'AccessRequestStatusChanged', details: expect.objectContaining({ from: 'TRAINING_VERIFICATION', to: 'TEMPORARY_PASSWORD_ISSUED' }) })]);
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, { Destination: { ToAddresses: [employee.email] } });
  });

  it('on a retried step (already issued) reads the request and replaces the same issue’s password, as read', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(conditionFailed()).resolves({});
    dynamo.on(GetCommand).resolves({ Item: stored({ status: 'TEMPORARY_PASSWORD_ISSUED', issue: 1, temporaryPasswordExpiresAt: '2026-12-01T12:00:00.000Z' }) });

    await handler({ requestId: REQUEST_ID, view: { ori: 'CT0000100', employee } }, context);

    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    const { request, account, audits } = written(1);
    expect(request?.ConditionExpression).toBe('#status IN (:from0) AND #seen0 = :seen0 AND #seen1 = :seen1');
    expect(request?.ExpressionAttributeValues).toMatchObject({ ':from0': 'TEMPORARY_PASSWORD_ISSUED', ':seen0': '2026-12-01T12:00:00.000Z', ':seen1': 1, ':issue': 1 });
    expect(account?.ExpressionAttributeValues).toMatchObject({ ':issue': 1 });
    // A new password is a new event, but not a second status change (issue 19's soak): ids only.
    expect(audits).toEqual([expect.objectContaining({ type: 'TemporaryPasswordReissued', actor: 'workflow', subject: expect.objectContaining({ id: REQUEST_ID }), details: expect.objectContaining({ issue: 1 }) })]);
    expect(JSON.stringify(audits)).not.toContain(employee.email);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
  });

  it('of two attempts that read the request awaiting verification (a timed-out attempt still running beside its retry), the one that loses reads again and reissues: one status change audited', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(conditionFailed()).resolves({});
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: stored() })
      .resolves({ Item: stored({ status: 'TEMPORARY_PASSWORD_ISSUED', issue: 1, temporaryPasswordExpiresAt: '2026-12-01T12:00:00.000Z' }) });

    await handler({ requestId: REQUEST_ID }, context);

    expect(dynamo).toHaveReceivedCommandTimes(GetCommand, 2);
    // The first write was conditional on the status as read, not on any status a password comes from.
    expect(written(0).request?.ConditionExpression).toBe('#status IN (:from0)');
    expect(written(0).request?.ExpressionAttributeValues).toMatchObject({ ':from0': 'TRAINING_VERIFICATION' });
    expect(written(1).audits).toEqual([expect.objectContaining({ type: 'TemporaryPasswordReissued', details: expect.objectContaining({ issue: 1 }) })]);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
  });

  it('reads the request for a reissue, whatever the state carries, and issues the next number', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(GetCommand).resolves({ Item: stored({ status: 'PASSWORD_EXPIRED', issue: 1 }) });

    await handler({ requestId: REQUEST_ID, reissue: true, view: { ori: 'CT0000100', employee } }, context);

    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(written().account?.ExpressionAttributeValues).toMatchObject({ ':issue': 2 });
    expect(written().audits).toEqual([expect.objectContaining({ type: 'AccessRequestStatusChanged', details: expect.objectContaining({ from: 'PASSWORD_EXPIRED', to: 'TEMPORARY_PASSWORD_ISSUED' }) })]);
  });

  it('on a retried step that finds the first password already used (the request ACTIVE), issues, writes and mails nothing, and hands on that password’s expiry', async () => {
    dynamo.on(TransactWriteCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: stored({ status: 'ACTIVE', issue: 1, temporaryPasswordExpiresAt: '2026-12-01T12:00:00.000Z' }) });

    await expect(handler({ requestId: REQUEST_ID, view: { ori: 'CT0000100', employee } }, context)).resolves.toEqual({ temporaryPasswordExpiresAt: '2026-12-01T12:00:00.000Z' });
    // The first issue's conditional write (it reads nothing) is refused; nothing is written after the read.
    expect(dynamo).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 0);
  });

  it('fails the step, mailing nothing, when the request cannot get a password (a Conflict naming its status)', async () => {
    dynamo.on(TransactWriteCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: stored({ status: 'ACCOUNT_REMOVED' }) });

    await expect(handler({ requestId: REQUEST_ID, view: { ori: 'CT0000100', employee } }, context)).rejects.toThrow('is ACCOUNT_REMOVED; it cannot become TEMPORARY_PASSWORD_ISSUED');
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 0);
  });
});
