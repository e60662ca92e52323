import { DiagnosticsCompleted } from '#events/diagnostics-completed';
import { inputOf, namedError, runMachine, statesCalled, substitutedDefinition, type TaskStub } from './harness';

const definition = substitutedDefinition('diagnostics.asl.json');
const input = { reportTo: 'ops@ciss.ct.example', failuresBeforeSuccess: 0 };
const EXECUTION = 'diag-run-1';

/** Stubs that make every step succeed, shaped as each integration returns its result. */
function happyTasks(): Record<string, TaskStub> {
  return {
    RecordRunStarted: () => ({}),
    CheckSystem: () => ({ StatusCode: 200, Payload: { attempts: 1, checkedAt: '2026-11-23T15:00:00.000Z' } }),
    AwaitOperatorAcknowledgement: () => ({ by: 'operator-7' }),
    SendReport: () => ({ StatusCode: 200, Payload: { messageId: 'msg-42' } }),
    PublishRunCompleted: () => ({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] }),
    RecordRunSucceeded: () => ({ Attributes: {} }),
    RecordRunFailed: () => ({}),
  };
}

const run = (tasks: Record<string, TaskStub>) => runMachine(definition, input, { tasks, executionName: EXECUTION, taskToken: 'tok', waits: ['CoolDown'] });

const HAPPY_ORDER = ['RecordRunStarted', 'CheckSystem', 'AwaitOperatorAcknowledgement', 'SendReport', 'PublishRunCompleted', 'RecordRunSucceeded'];

describe('diagnostics state machine', () => {
  describe('when every step succeeds', () => {
    it('runs each step once, in order, and never records a failure', async () => {
      const outcome = await run(happyTasks());

      expect(outcome.status).toBe('SUCCEEDED');
      expect(statesCalled(outcome)).toEqual(HAPPY_ORDER);
    });

    it('ends with the run input plus the check, the acknowledgement and the report (the final record keeps no result)', async () => {
      const outcome = await run(happyTasks());

      expect(outcome).toMatchObject({
        status: 'SUCCEEDED',
        output: {
          ...input,
          check: { attempts: 1, checkedAt: '2026-11-23T15:00:00.000Z' },
          acknowledgement: { by: 'operator-7' },
          report: { messageId: 'msg-42' },
        },
      });
      expect(outcome.status === 'SUCCEEDED' && outcome.output).not.toHaveProperty('Attributes');
    });

    it('records the run as started under the execution name', async () => {
      const outcome = await run(happyTasks());

      expect(inputOf(outcome, 'RecordRunStarted')).toMatchObject({
        TableName: 'dummy-table-name',
        Item: { pk: { S: `DIAG#${EXECUTION}` }, sk: { S: 'RUN' }, status: { S: 'STARTED' }, reportTo: { S: input.reportTo } },
      });
    });

    it('asks the check function about this run and passes on how many failures to simulate', async () => {
      const outcome = await run(happyTasks());

      expect(inputOf(outcome, 'CheckSystem')).toMatchObject({
        FunctionName: expect.stringContaining('CheckFunctionArn'),
        Payload: { runId: EXECUTION, failuresBeforeSuccess: 0 },
      });
    });

    it('hands the park function the task token of the callback step', async () => {
      const outcome = await run(happyTasks());

      expect(inputOf(outcome, 'AwaitOperatorAcknowledgement')).toMatchObject({
        FunctionName: expect.stringContaining('ParkFunctionArn'),
        Payload: { runId: EXECUTION, taskToken: 'tok' },
      });
    });

    it('sends the report to the requested address with the attempts and who acknowledged it', async () => {
      const tasks = { ...happyTasks(), CheckSystem: () => ({ Payload: { attempts: 3, checkedAt: 't' } }), AwaitOperatorAcknowledgement: () => ({ by: 'sergeant-rivera' }) };

      const outcome = await run(tasks);

      expect(inputOf(outcome, 'SendReport')).toMatchObject({
        Payload: { runId: EXECUTION, reportTo: input.reportTo, attempts: 3, acknowledgedBy: 'sergeant-rivera' },
      });
    });

    it('publishes a DiagnosticsCompleted event that satisfies the published event contract', async () => {
      const outcome = await run(happyTasks());

      const entries = (inputOf(outcome, 'PublishRunCompleted') as { Entries: { Source: string; DetailType: string; EventBusName: string; Detail: unknown }[] }).Entries;
      expect(entries).toHaveLength(1);
      const [entry] = entries;
      expect(entry).toMatchObject({ Source: DiagnosticsCompleted.source, DetailType: DiagnosticsCompleted.detailType, EventBusName: 'dummy-event-bus-name' });
      expect(DiagnosticsCompleted.detail.parse(entry?.Detail)).toEqual({ version: '1', runId: EXECUTION, attempts: 1, reportMessageId: 'msg-42' });
    });

    it('marks the run succeeded with the number of attempts the check took', async () => {
      const tasks = { ...happyTasks(), CheckSystem: () => ({ Payload: { attempts: 2, checkedAt: 't' } }) };

      const outcome = await run(tasks);

      expect(inputOf(outcome, 'RecordRunSucceeded')).toMatchObject({
        Key: { pk: { S: `DIAG#${EXECUTION}` }, sk: { S: 'RUN' } },
        ExpressionAttributeValues: { ':succeeded': { S: 'SUCCEEDED' }, ':attempts': { N: '2' } },
      });
    });
  });

  describe('when the check fails transiently', () => {
    it('retries DiagnosticsTransientError and carries on once the check succeeds', async () => {
      const check: TaskStub = (_input, attempt) => {
        if (attempt <= 2) throw namedError('DiagnosticsTransientError');
        return { Payload: { attempts: attempt, checkedAt: 't' } };
      };

      const outcome = await run({ ...happyTasks(), CheckSystem: check });

      expect(outcome.status).toBe('SUCCEEDED');
      expect(statesCalled(outcome)).toEqual(['RecordRunStarted', 'CheckSystem', 'CheckSystem', 'CheckSystem', ...HAPPY_ORDER.slice(2)]);
      expect(inputOf(outcome, 'RecordRunSucceeded')).toMatchObject({ ExpressionAttributeValues: { ':attempts': { N: '3' } } });
    });

    it('gives up after the retry budget (1 try + MaxAttempts 3) and records the failure', async () => {
      const outcome = await run({
        ...happyTasks(),
        CheckSystem: () => {
          throw namedError('DiagnosticsTransientError', 'still flaky');
        },
      });

      expect(statesCalled(outcome)).toEqual(['RecordRunStarted', 'CheckSystem', 'CheckSystem', 'CheckSystem', 'CheckSystem', 'RecordRunFailed']);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'DiagnosticsFailed', cause: 'still flaky' });
    });
  });

  describe('when a step fails for good', () => {
    it.each([
      ['RecordRunStarted', 'DynamoDB.ResourceNotFoundException'],
      ['CheckSystem', 'DiagnosticsCheckRejected'],
      ['AwaitOperatorAcknowledgement', 'States.Timeout'],
      ['AwaitOperatorAcknowledgement', 'States.HeartbeatTimeout'],
      ['AwaitOperatorAcknowledgement', 'OperatorRejected'],
      ['SendReport', 'MessageRejected'],
      ['PublishRunCompleted', 'EventBridge.FailedEntry'],
    ])('%s failing with %s is tried once, recorded as the run failure, and fails the run', async (state, errorName) => {
      const before = HAPPY_ORDER.slice(0, HAPPY_ORDER.indexOf(state));
      const tasks = {
        ...happyTasks(),
        [state]: () => {
          throw namedError(errorName, `${state} broke`);
        },
      };

      const outcome = await run(tasks);

      expect(statesCalled(outcome)).toEqual([...before, state, 'RecordRunFailed']);
      expect(inputOf(outcome, 'RecordRunFailed')).toMatchObject({
        Key: { pk: { S: `DIAG#${EXECUTION}` }, sk: { S: 'RUN' } },
        ExpressionAttributeValues: { ':failed': { S: 'FAILED' }, ':error': { S: errorName } },
      });
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'DiagnosticsFailed', cause: `${state} broke` });
    });

    it('retries recording the failure itself before failing the run', async () => {
      const recordFailed: TaskStub = (_input, attempt) => {
        if (attempt === 1) throw namedError('DynamoDB.ThrottlingException');
        return {};
      };

      const outcome = await run({
        ...happyTasks(),
        SendReport: () => {
          throw namedError('MessageRejected', 'address blocked');
        },
        RecordRunFailed: recordFailed,
      });

      expect(statesCalled(outcome).filter((s) => s === 'RecordRunFailed')).toHaveLength(2);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'DiagnosticsFailed', cause: 'address blocked' });
    });

    it('records the failure when the run cannot be marked succeeded', async () => {
      const outcome = await run({
        ...happyTasks(),
        RecordRunSucceeded: () => {
          throw namedError('DynamoDB.ResourceNotFoundException', 'table gone');
        },
      });

      expect(statesCalled(outcome)).toEqual([...HAPPY_ORDER, 'RecordRunFailed']);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'DiagnosticsFailed', cause: 'table gone' });
    });
  });
});
