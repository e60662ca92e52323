/** Every branch of the CISS Search certification machine (issue 17), on the local engine with stubbed tasks. */
import { inputOf, namedError, runMachine, statesCalled, substitutedDefinition, type RunOutcome, type TaskStub } from './harness';

const definition = substitutedDefinition('search-certification.asl.json');
const ID = 'SC-20261130-00000000AA';
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const VIEW = { title: 'CISS Search certification for Avery Quinlan (CT0000100)', facts: [{ label: 'Certification', value: ID }], unitEmail: 'cchrs.unit@dpscs.ct.example', ori: 'CT0000100' };
const GRANT = { expiresAt: '2027-11-30T10:00:00.000Z', remind30At: '2027-10-31T10:00:00.000Z', remind7At: '2027-11-23T10:00:00.000Z' };
const RENEWAL_WAITS = ['WaitUntil30DaysBeforeExpiry', 'WaitUntil7DaysBeforeExpiry', 'WaitUntilExpiry'];

const lambda = (payload: unknown) => ({ StatusCode: 200, Payload: payload }) as never;
const recorded = () => ({ taskId: 'task-1', decision: 'recorded', comment: null, decidedBy: 'client:provider', decidedAt: '2026-11-30T10:00:00.000Z', channel: 'api' }) as never;
const timeout: TaskStub = () => {
  throw namedError('States.Timeout', 'no result in time');
};
/** A stub answering its nth call with the nth outcome, the last one thereafter. */
const outcomes =
  (...seen: string[]): TaskStub =>
  (_input, attempt) =>
    lambda({ outcome: seen[Math.min(attempt, seen.length) - 1] });

const stubs = (): Record<string, TaskStub> => ({
  LoadCertification: () => lambda(VIEW),
  AssignSearchTraining: () => lambda({ status: 'TRAINING_ASSIGNED' }),
  AwaitExamResult: recorded,
  CloseExamResultTask: () => lambda({ status: 'EXPIRED' }),
  ReadExamOutcome: outcomes('passed'),
  AnnounceRetake: () => lambda({ status: 'RETAKE_ALLOWED' }),
  AnnounceAttemptsExhausted: () => lambda({ status: 'ATTEMPTS_EXHAUSTED' }),
  GrantSearchRole: () => lambda(GRANT),
  ContinueRenewalAsNew: () => ({ ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:search-certification:${ID}-renewal` }) as never,
  RemindRenewal30Days: () => lambda({ status: 'CERTIFIED' }),
  RemindRenewal7Days: () => lambda({ status: 'CERTIFIED' }),
  LapseCertification: () => lambda({ status: 'LAPSED' }),
  ExpireRequest: () => lambda({ status: 'REQUEST_EXPIRED' }),
});

async function run(more: Partial<Record<string, TaskStub>> = {}, input: Record<string, unknown> = { certificationId: ID }): Promise<{ outcome: RunOutcome; path: string[] }> {
  const path: string[] = [];
  const outcome = await runMachine(definition, input as never, { tasks: { ...stubs(), ...more } as Record<string, TaskStub>, executionName: ID, taskToken: 'tok-1', waits: RENEWAL_WAITS, entered: path });
  return { outcome, path };
}
const payloadOf = (outcome: RunOutcome, state: string, n = 1) => (inputOf(outcome, state, n) as { Payload?: Record<string, unknown> } | undefined)?.Payload;

describe('search-certification state machine', () => {
  it('assigns the training, waits for the exam result with the unit as the task’s assignee, grants after a pass and continues the year as new', async () => {
    const { outcome, path } = await run();

    expect(outcome.status).toBe('SUCCEEDED');
    expect(statesCalled(outcome)).toEqual(['LoadCertification', 'AssignSearchTraining', 'AwaitExamResult', 'ReadExamOutcome', 'GrantSearchRole', 'ContinueRenewalAsNew']);
    expect(path.at(-1)).toBe('CertifiedRenewalContinues');
    expect(inputOf(outcome, 'AssignSearchTraining')).toEqual({ FunctionName: fn('AdvanceFunctionArn'), Payload: { certificationId: ID, event: 'training-assigned' } });
    expect(payloadOf(outcome, 'AwaitExamResult')).toMatchObject({
      workflow: 'search-certification',
      step: 'exam',
      subject: { type: 'search-certification', id: ID, title: VIEW.title, facts: VIEW.facts },
      assignee: { role: 'unit', email: VIEW.unitEmail },
      choices: [{ id: 'recorded', label: expect.any(String) }],
      timeoutSeconds: 1209600,
      maxReminders: 2,
    });
    expect(inputOf(outcome, 'ContinueRenewalAsNew')).toEqual({ StateMachineArn: expect.stringContaining('SearchCertificationMachineArn'), Name: `${ID}-renewal`, Input: { certificationId: ID, renewal: true, grant: GRANT } });
  });

  it('after a failed attempt tells of the retake and waits for the exam again; a pass then grants', async () => {
    const { outcome } = await run({ ReadExamOutcome: outcomes('retake', 'passed') });

    expect(statesCalled(outcome)).toEqual(['LoadCertification', 'AssignSearchTraining', 'AwaitExamResult', 'ReadExamOutcome', 'AnnounceRetake', 'AwaitExamResult', 'ReadExamOutcome', 'GrantSearchRole', 'ContinueRenewalAsNew']);
    expect(payloadOf(outcome, 'AwaitExamResult', 2)?.['reminder']).toBe(0);
  });

  it('ends visibly when the attempts are exhausted, granting nothing', async () => {
    const { outcome, path } = await run({ ReadExamOutcome: outcomes('retake', 'exhausted') });

    expect(statesCalled(outcome)).not.toContain('GrantSearchRole');
    expect(statesCalled(outcome).at(-1)).toBe('AnnounceAttemptsExhausted');
    expect(path.at(-1)).toBe('AttemptsExhausted');
  });

  it('asks again when the task was decided with no result recorded', async () => {
    const { outcome } = await run({ ReadExamOutcome: outcomes('awaited', 'passed') });

    expect(statesCalled(outcome).filter((s) => s === 'AwaitExamResult')).toHaveLength(2);
    expect(statesCalled(outcome)).not.toContain('AnnounceRetake');
  });

  it('reminds the unit twice when no result comes, then closes the task and ends the request visibly', async () => {
    const { outcome, path } = await run({ AwaitExamResult: timeout });

    expect(statesCalled(outcome)).toEqual(['LoadCertification', 'AssignSearchTraining', 'AwaitExamResult', 'AwaitExamResult', 'AwaitExamResult', 'CloseExamResultTask', 'ExpireRequest']);
    expect([1, 2, 3].map((n) => payloadOf(outcome, 'AwaitExamResult', n)?.['reminder'])).toEqual([0, 1, 2]);
    expect(path.at(-1)).toBe('RequestExpired');
  });

  it('in the continuation, reminds 30 and 7 days before expiry and then lapses', async () => {
    const { outcome, path } = await run({}, { certificationId: ID, renewal: true, grant: GRANT });

    expect(statesCalled(outcome)).toEqual(['RemindRenewal30Days', 'RemindRenewal7Days', 'LapseCertification']);
    expect([payloadOf(outcome, 'RemindRenewal30Days'), payloadOf(outcome, 'RemindRenewal7Days')]).toEqual([
      { certificationId: ID, event: 'renewal-reminder', daysLeft: 30 },
      { certificationId: ID, event: 'renewal-reminder', daysLeft: 7 },
    ]);
    expect(path).toEqual(['IsRenewal', 'WaitUntil30DaysBeforeExpiry', 'RemindRenewal30Days', 'WaitUntil7DaysBeforeExpiry', 'RemindRenewal7Days', 'WaitUntilExpiry', 'LapseCertification', 'CertificationLapsed']);
  });

  it('counts a continuation already started on an earlier try as started', async () => {
    const { outcome, path } = await run({ ContinueRenewalAsNew: () => { throw namedError('StepFunctions.ExecutionAlreadyExistsException'); } });

    expect(outcome.status).toBe('SUCCEEDED');
    expect(path.at(-1)).toBe('CertifiedRenewalContinues');
  });

  it('fails visibly, with the cause, when a step keeps failing', async () => {
    const { outcome } = await run({ GrantSearchRole: () => { throw namedError('Conflict', 'no passing attempt'); } });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'SearchCertificationFailed' });
  });
});
