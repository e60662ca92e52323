import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { Email } from '#shared/adapters/mailer';
import { DiagnosticsRuns } from '../../functions/diagnostics/adapters/runs';
import { check, DiagnosticsTransientError } from '../../functions/diagnostics/use-cases/check';
import { fingerprintOf, park } from '../../functions/diagnostics/use-cases/park';
import { report } from '../../functions/diagnostics/use-cases/report';

const AT = '2026-11-29T12:00:00.000Z';

describe('the diagnostics check', () => {
  const counting = (start = 0) => {
    let attempts = start;
    return { countAttempt: async () => ++attempts, now: () => AT };
  };

  it('fails transiently, naming the attempt, while the count is within failuresBeforeSuccess', async () => {
    const ports = counting();

    await expect(check({ runId: 'r', failuresBeforeSuccess: 2 }, ports)).rejects.toThrow(new DiagnosticsTransientError('Attempt 1 of the check failed on purpose (2 requested)'));
    await expect(check({ runId: 'r', failuresBeforeSuccess: 2 }, ports)).rejects.toBeInstanceOf(DiagnosticsTransientError);
    await expect(check({ runId: 'r', failuresBeforeSuccess: 2 }, ports)).resolves.toEqual({ attempts: 3, checkedAt: AT });
  });

  it('passes at once when no failure is asked for', async () => {
    await expect(check({ runId: 'r', failuresBeforeSuccess: 0 }, counting())).resolves.toEqual({ attempts: 1, checkedAt: AT });
  });
});

describe('parking a diagnostics run', () => {
  it('records a fingerprint of the token, never the token', async () => {
    const recorded: unknown[] = [];

    await expect(park({ runId: 'r', taskToken: 'secret-token' }, { recordParked: async (...args) => void recorded.push(args), now: () => AT })).resolves.toEqual({ parked: true });

    expect(recorded).toEqual([['r', fingerprintOf('secret-token'), AT]]);
    expect(fingerprintOf('secret-token')).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf('secret-token')).not.toBe(fingerprintOf('other-token'));
  });
});

describe('the diagnostics report', () => {
  it('mails who asked for it what passed, escaped in the HTML part', async () => {
    const sent: Email[] = [];

    await expect(report({ runId: 'r-1', reportTo: 'ops@ciss.ct.example', attempts: 3, acknowledgedBy: '<op>' }, { send: async (email) => (sent.push(email), { messageId: 'm-1' }) })).resolves.toEqual({ messageId: 'm-1' });

    expect(sent).toEqual([
      {
        to: ['ops@ciss.ct.example'],
        subject: 'CISS diagnostics run r-1: passed',
        text: 'Diagnostics run r-1 passed every step.\nCheck attempts: 3.\nAcknowledged by: <op>.',
        html: '<p>Diagnostics run r-1 passed every step.</p><p>Check attempts: 3.</p><p>Acknowledged by: &lt;op&gt;.</p>',
      },
    ]);
  });
});

describe('the diagnostics run records (DynamoDB)', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const runs = new DiagnosticsRuns('main');
  afterEach(() => dynamo.reset());

  it('counts a check attempt with an atomic ADD and answers the new count', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { attempts: 4 } });

    await expect(runs.countCheckAttempt('r-1')).resolves.toBe(4);
    expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, { TableName: 'main', Key: { pk: 'DIAG#r-1', sk: 'CHECK' }, UpdateExpression: 'ADD attempts :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' });
  });

  it('records a parked run and a delivered event under the run', async () => {
    dynamo.on(PutCommand).resolves({});

    await runs.recordParked('r-1', 'abcd', AT);
    await runs.recordDelivery('r-1', { eventId: 'e-1', detailType: 'DiagnosticsCompleted', receivedAt: AT });

    expect(dynamo).toHaveReceivedNthCommandWith(1, PutCommand, { TableName: 'main', Item: { pk: 'DIAG#r-1', sk: 'PARKED', tokenFingerprint: 'abcd', parkedAt: AT } });
    expect(dynamo).toHaveReceivedNthCommandWith(2, PutCommand, { TableName: 'main', Item: { pk: 'DIAG#r-1', sk: 'EVENT', eventId: 'e-1', detailType: 'DiagnosticsCompleted', receivedAt: AT } });
  });
});
