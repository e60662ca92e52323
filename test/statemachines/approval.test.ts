import { inputOf, namedError, runMachine, statesCalled, substitutedDefinition, type TaskStub } from './harness';

const definition = substitutedDefinition('approval.asl.json');
const EXECUTION = 'approval-run-1';
const EXECUTION_ARN = `arn:aws:states:us-east-1:123456789012:execution:test:${EXECUTION}`;
const NOTIFY_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:NotifyFunctionArn';
const EXPIRE_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:ExpireFunctionArn';

const assignee = { role: 'court-clerk', email: 'clerk@court.ct.example', court: 'GA14' };
/** The smallest input: no decisionSeconds, maxReminders or facts. */
const minimal = { subjectId: 'req-17', title: 'Access for J. Doe', question: 'Approve this request?', assignee };

const decision = (choice: string, comment: string | null = null) => ({
  taskId: 'task-1',
  decision: choice,
  comment,
  decidedBy: assignee.email,
  decidedAt: '2026-11-23T15:00:00.000Z',
  channel: 'email-link',
});

const timeout = () => {
  throw namedError('States.Timeout', 'no decision in time');
};

function tasks(awaitDecision: TaskStub, closeUnanswered: TaskStub = () => ({ StatusCode: 200, Payload: { taskId: 'task-3', status: 'EXPIRED' } })): Record<string, TaskStub> {
  return { AwaitDecision: awaitDecision, CloseUnansweredTask: closeUnanswered };
}

const run = (input: Record<string, unknown>, stubs: Record<string, TaskStub>) =>
  runMachine(definition, input as Parameters<typeof runMachine>[1], { tasks: stubs, executionName: EXECUTION, taskToken: 'tok-1' });

/** The Payload the notify function got on the nth AwaitDecision call. */
const notifyPayload = (outcome: Awaited<ReturnType<typeof run>>, n = 1) => (inputOf(outcome, 'AwaitDecision', n) as { Payload?: Record<string, unknown> } | undefined)?.Payload;

describe('approval state machine', () => {
  describe('when the input leaves out decisionSeconds, maxReminders and facts', () => {
    it('asks the notify function for a two-day decision, 2 reminders, no facts, reminder 0, with the token and the execution', async () => {
      const outcome = await run(minimal, tasks(() => decision('approve')));

      expect(inputOf(outcome, 'AwaitDecision')).toEqual({
        FunctionName: NOTIFY_ARN,
        Payload: {
          taskToken: 'tok-1',
          executionArn: EXECUTION_ARN,
          workflow: 'approval',
          step: 'decision',
          subject: { type: 'approval', id: 'req-17', title: 'Access for J. Doe', facts: [] },
          assignee,
          question: 'Approve this request?',
          choices: [
            { id: 'approve', label: 'Approve' },
            { id: 'reject', label: 'Reject', commentRequired: true },
          ],
          timeoutSeconds: 172800,
          reminder: 0,
          maxReminders: 2,
        },
      });
    });
  });

  describe('how long it waits', () => {
    it('bounds each wait by decisionSeconds through TimeoutSecondsPath: two days by default', async () => {
      const outcome = await run(minimal, tasks(timeout));

      expect(outcome.calls.filter((c) => c.state === 'AwaitDecision').map((c) => c.timeoutSeconds)).toEqual([172800, 172800, 172800]);
    });

    it('bounds each wait, reminders included, by the decisionSeconds given', async () => {
      const outcome = await run({ ...minimal, decisionSeconds: 60 }, tasks(timeout));

      expect(outcome.calls.filter((c) => c.state === 'AwaitDecision').map((c) => c.timeoutSeconds)).toEqual([60, 60, 60]);
    });

    it.each([0, -5, 1.5, '3600'])('fails States.Runtime, uncaught, when decisionSeconds is %j', async (decisionSeconds) => {
      const outcome = await run({ ...minimal, decisionSeconds }, tasks(() => decision('approve')));

      expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
      expect(statesCalled(outcome)).toEqual([]);
    });
  });

  describe('when the input gives decisionSeconds, maxReminders and facts', () => {
    it('passes them on unchanged instead of the defaults', async () => {
      const facts = [{ label: 'Agency', value: 'CT0000100' }];

      const outcome = await run({ ...minimal, decisionSeconds: 60, maxReminders: 5, facts }, tasks(() => decision('approve')));

      expect(notifyPayload(outcome)).toMatchObject({ timeoutSeconds: 60, maxReminders: 5, reminder: 0, subject: { facts } });
    });

    it('keeps an explicit maxReminders of 0 rather than defaulting it', async () => {
      const outcome = await run({ ...minimal, maxReminders: 0 }, tasks(() => decision('approve')));

      expect(notifyPayload(outcome)).toMatchObject({ maxReminders: 0 });
    });
  });

  describe('when the assignee decides', () => {
    it('ends APPROVED with the decision on approve', async () => {
      const outcome = await run(minimal, tasks(() => decision('approve')));

      expect(outcome).toEqual({ status: 'SUCCEEDED', output: { outcome: 'APPROVED', decision: decision('approve') }, calls: expect.any(Array) });
      expect(statesCalled(outcome)).toEqual(['AwaitDecision']);
    });

    it('ends REJECTED with the decision (and its reason) on reject', async () => {
      const outcome = await run(minimal, tasks(() => decision('reject', 'duplicate request')));

      expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'REJECTED', decision: decision('reject', 'duplicate request') } });
    });

    it('decides on a reminder just as on the first e-mail', async () => {
      const outcome = await run(minimal, tasks((_input, attempt) => (attempt === 1 ? timeout() : decision('approve'))));

      expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'APPROVED' } });
      expect(statesCalled(outcome)).toEqual(['AwaitDecision', 'AwaitDecision']);
      expect(notifyPayload(outcome, 2)).toMatchObject({ reminder: 1 });
    });
  });

  describe('when nobody decides', () => {
    it('reminds twice (reminder 1, then 2), then closes the unanswered task and fails ApprovalTimedOut', async () => {
      const outcome = await run(minimal, tasks(timeout));

      expect(statesCalled(outcome)).toEqual(['AwaitDecision', 'AwaitDecision', 'AwaitDecision', 'CloseUnansweredTask']);
      expect([1, 2, 3].map((n) => notifyPayload(outcome, n)?.['reminder'])).toEqual([0, 1, 2]);
      expect(inputOf(outcome, 'CloseUnansweredTask')).toEqual({ FunctionName: EXPIRE_ARN, Payload: { workflow: 'approval', subjectId: 'req-17', step: 'decision' } });
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ApprovalTimedOut', cause: 'Nobody decided before the last reminder ran out' });
    });

    it('sends every reminder with the same subject, assignee, question, facts and timeout', async () => {
      const facts = [{ label: 'Agency', value: 'CT0000100' }];
      const outcome = await run({ ...minimal, facts, decisionSeconds: 90 }, tasks(timeout));

      const { reminder: _r0, ...first } = notifyPayload(outcome, 1) ?? {};
      for (const n of [2, 3]) {
        const { reminder: _r, ...again } = notifyPayload(outcome, n) ?? {};
        expect(again).toEqual(first);
      }
      expect(first).toMatchObject({ timeoutSeconds: 90, maxReminders: 2, subject: { facts } });
    });

    it('with maxReminders 0 closes the task after the first timeout, without a reminder', async () => {
      const outcome = await run({ ...minimal, maxReminders: 0 }, tasks(timeout));

      expect(statesCalled(outcome)).toEqual(['AwaitDecision', 'CloseUnansweredTask']);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ApprovalTimedOut' });
    });

    it('still ends ApprovalTimedOut when closing the unanswered task fails, after retrying it', async () => {
      const outcome = await run(
        minimal,
        tasks(timeout, () => {
          throw namedError('Lambda.ServiceException');
        }),
      );

      expect(statesCalled(outcome).filter((s) => s === 'CloseUnansweredTask')).toHaveLength(4);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ApprovalTimedOut' });
    });
  });

  describe('when waiting for the decision fails otherwise', () => {
    it('fails DecisionFailed with the cause of the failure, and neither reminds nor closes', async () => {
      const outcome = await run(
        minimal,
        tasks(() => {
          throw namedError('InvalidInput', 'assignee.email: Invalid email address');
        }),
      );

      expect(statesCalled(outcome)).toEqual(['AwaitDecision']);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'DecisionFailed', cause: 'assignee.email: Invalid email address' });
    });

    it('retries a Lambda service failure three times before failing DecisionFailed', async () => {
      const outcome = await run(
        minimal,
        tasks(() => {
          throw namedError('Lambda.ServiceException', 'service down');
        }),
      );

      expect(statesCalled(outcome)).toEqual(['AwaitDecision', 'AwaitDecision', 'AwaitDecision', 'AwaitDecision']);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'DecisionFailed', cause: 'service down' });
    });

    it('retries the notify Lambda when it timed out (Sandbox.Timedout), twice, and then decides', async () => {
      const outcome = await run(
        minimal,
        tasks((_input, attempt) => {
          if (attempt <= 2) throw namedError('Sandbox.Timedout', 'Task timed out after 10.00 seconds');
          return decision('reject', 'no');
        }),
      );

      expect(statesCalled(outcome)).toEqual(['AwaitDecision', 'AwaitDecision', 'AwaitDecision']);
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'REJECTED' } });
    });

    it('recovers when a retried Lambda failure clears, and then decides', async () => {
      const outcome = await run(
        minimal,
        tasks((_input, attempt) => {
          if (attempt === 1) throw namedError('Lambda.TooManyRequestsException');
          return decision('reject', 'no');
        }),
      );

      expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'REJECTED' } });
    });
  });
});
