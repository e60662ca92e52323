import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { callbackToken, eventually, history as historyOf, mailbox, type Harness } from './steps';
import { sharedRuntime } from './shared-runtime';

const HOUR_MS = 3_600_000;

describe('diagnostics machine on the embedded runtime, through the real SDK clients', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await sharedRuntime();
  });

  const history = (executionArn: string): Promise<HistoryEvent[]> => historyOf(h.sfn, executionArn);

  async function waitForState(executionArn: string, type: string, name: string): Promise<HistoryEvent> {
    return eventually(async () => (await history(executionArn)).find((e) => e.type === type && e.stateEnteredEventDetails?.name === name), `${name} to be entered`);
  }

  async function status(executionArn: string): Promise<string | undefined> {
    return (await h.sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
  }



  it('runs a Lambda step with retries, a DynamoDB write, a callback, a Wait, SES and EventBridge', async () => {
    const name = 'diag-happy-path';
    const { executionArn } = await h.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: h.runtime.names.machines.diagnostics,
        name,
        input: JSON.stringify({ reportTo: 'ops@ciss.ct.example', failuresBeforeSuccess: 2 }),
      }),
    );
    if (!executionArn) throw new Error('no execution');

    // Two failed checks, retried after 2 s and 4 s (jittered) of the runtime's clock.
    const parked = await eventually(async () => {
      const events = await history(executionArn);
      if (events.some((e) => e.type === 'TaskSubmitted')) return events;
      await h.runtime.clock.advance(1000);
      return undefined;
    }, 'the callback task to be submitted');
    await expect(status(executionArn)).resolves.toBe('RUNNING');

    // The check failed twice on purpose and the Retry carried it through on the third attempt.
    const checkItem = await h.dynamo.send(new GetCommand({ TableName: h.runtime.names.tables.main, Key: { pk: `DIAG#${name}`, sk: 'CHECK' } }));
    expect(checkItem.Item?.['attempts']).toBe(3);
    expect(parked.filter((e) => e.type === 'TaskFailed')).toHaveLength(2);

    await h.sfn.send(new SendTaskSuccessCommand({ taskToken: (await callbackToken(h, executionArn)).token, output: JSON.stringify({ by: 'operator-on-call' }) }));
    await waitForState(executionArn, 'WaitStateEntered', 'CoolDown');
    await expect(status(executionArn)).resolves.toBe('RUNNING');

    await h.runtime.clock.advance(HOUR_MS);
    await eventually(async () => ((await status(executionArn)) === 'SUCCEEDED' ? true : undefined), 'the execution to succeed');

    const run = await h.dynamo.send(new GetCommand({ TableName: h.runtime.names.tables.main, Key: { pk: `DIAG#${name}`, sk: 'RUN' } }));
    expect(run.Item).toMatchObject({ status: 'SUCCEEDED', attempts: 3, reportTo: 'ops@ciss.ct.example' });

    const mail = (await mailbox(h.runtime)).find((m) => m.subject.includes(name));
    expect(mail?.destination.to).toEqual(['ops@ciss.ct.example']);
    expect(mail?.body.text).toContain('Acknowledged by: operator-on-call');

    const delivered = await eventually(async () => {
      const out = await h.dynamo.send(new GetCommand({ TableName: h.runtime.names.tables.main, Key: { pk: `DIAG#${name}`, sk: 'EVENT' } }));
      return out.Item;
    }, 'the DiagnosticsCompleted event to reach its rule target');
    expect(delivered['detailType']).toBe('DiagnosticsCompleted');

    const events = await history(executionArn);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e, i) => e.previousEventId === i)).toBe(true);
    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    const entered = events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['RecordRunStarted', 'CheckSystem', 'AwaitOperatorAcknowledgement', 'CoolDown', 'SendReport', 'PublishRunCompleted', 'RecordRunSucceeded']);
  });

  it('follows the Catch path to a visible failure when the check never succeeds', async () => {
    const { executionArn } = await h.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: h.runtime.names.machines.diagnostics,
        name: 'diag-catch-path',
        input: JSON.stringify({ reportTo: 'ops@ciss.ct.example', failuresBeforeSuccess: 50 }),
      }),
    );
    if (!executionArn) throw new Error('no execution');
    // Three retries with back-off (2 s, 4 s, 8 s at most, jittered) on the runtime's clock.
    const failed = await eventually(async () => {
      const out = await h.sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (out.status === 'FAILED') return out;
      await h.runtime.clock.advance(1000);
      return undefined;
    }, 'the execution to fail');
    expect(failed.error).toBe('DiagnosticsFailed');
    expect(failed.cause).toContain('failed on purpose');
    const run = await h.dynamo.send(new GetCommand({ TableName: h.runtime.names.tables.main, Key: { pk: 'DIAG#diag-catch-path', sk: 'RUN' } }));
    expect(run.Item).toMatchObject({ status: 'FAILED', failure: 'DiagnosticsTransientError' });
    const entered = (await history(executionArn)).filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['RecordRunStarted', 'CheckSystem', 'RecordRunFailed', 'DiagnosticsFailed']);
  });
});
