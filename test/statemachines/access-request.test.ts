import { allStates, inputOf, namedError, runMachine, statesCalled, substitutedDefinition, type RunOutcome, type TaskStub } from './harness';

const definition = substitutedDefinition('access-request.asl.json');
const EXECUTION = 'req-42-run';
const EXECUTION_ARN = `arn:aws:states:us-east-1:123456789012:execution:test:${EXECUTION}`;
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

const REQUEST_ID = 'req-42';
const EXPIRES_AT = '2026-11-24T15:00:00.000Z';
const VIEW = {
  title: 'CCHRS access for Jane Doe (CT0000100)',
  facts: [{ label: 'Employee', value: 'Jane Doe' }],
  unitEmail: 'cchrs-unit@despp.ct.example',
  agencyEmail: 'admin@police.ct.example',
  ori: 'CT0000100',
};
const DEFAULT_SETTINGS = { reviewSeconds: 604800, reviewReminders: 2, attestationSeconds: 864000, attestationReminders: 2, verificationSeconds: 604800, verificationReminders: 2 };

const HUMAN_STEPS = {
  AwaitBusinessNeedReview: { step: 'business-need-review', close: 'CloseBusinessNeedReviewTask', seconds: 'reviewSeconds', reminders: 'reviewReminders' },
  AwaitTrainingAttestation: { step: 'training-attestation', close: 'CloseTrainingAttestationTask', seconds: 'attestationSeconds', reminders: 'attestationReminders' },
  AwaitTrainingVerification: { step: 'training-verification', close: 'CloseTrainingVerificationTask', seconds: 'verificationSeconds', reminders: 'verificationReminders' },
} as const;
type HumanStep = keyof typeof HUMAN_STEPS;

const lambda = (payload: unknown) => ({ StatusCode: 200, Payload: payload }) as never;
const decision = (choice: string, comment: string | null = null) => ({ taskId: 'task-1', decision: choice, comment, decidedBy: 'someone@ct.example', decidedAt: '2026-11-23T15:00:00.000Z', channel: 'email-link' });
const timeout: TaskStub = () => {
  throw namedError('States.Timeout', 'no decision in time');
};
const fails =
  (name: string, message = `${name} in the stub`): TaskStub =>
  () => {
    throw namedError(name, message);
  };
/** A stub that answers its nth call with the nth response (a value or a stub), the last one thereafter. */
const inTurn =
  (...responses: (TaskStub | ReturnType<typeof decision>)[]): TaskStub =>
  (input, attempt) => {
    const response = responses[Math.min(attempt, responses.length) - 1];
    return typeof response === 'function' ? response(input, attempt) : (response as never);
  };

/** The happy path: approve, attest, verified with complete evidence, first login done. */
const happy = (): Record<string, TaskStub> => ({
  LoadRequest: () => lambda(VIEW),
  AwaitBusinessNeedReview: () => decision('approve'),
  CloseBusinessNeedReviewTask: () => lambda({ status: 'EXPIRED' }),
  DenyRequest: () => lambda({ status: 'DENIED' }),
  AssignTrainings: () => lambda({ status: 'TRAINING_ASSIGNED' }),
  AwaitTrainingAttestation: () => decision('attest'),
  CloseTrainingAttestationTask: () => lambda({ status: 'EXPIRED' }),
  AwaitTrainingVerification: () => decision('verified'),
  CloseTrainingVerificationTask: () => lambda({ status: 'EXPIRED' }),
  ReportMissingModules: () => lambda({ status: 'TRAINING_ASSIGNED' }),
  IssueTemporaryPassword: () => lambda({ temporaryPasswordExpiresAt: EXPIRES_AT }),
  CheckFirstLogin: () => lambda({ active: true }),
  ExpireRequest: () => lambda({ status: 'REQUEST_EXPIRED' }),
});

interface Run {
  readonly outcome: RunOutcome;
  /** Every state entered, in order. */
  readonly path: string[];
}

async function run(stubs: Partial<Record<string, TaskStub>> = {}, input: Record<string, unknown> = { requestId: REQUEST_ID }, waits: readonly string[] = ['WaitForTemporaryPasswordExpiry']): Promise<Run> {
  const path: string[] = [];
  const outcome = await runMachine(definition, input as never, { tasks: { ...happy(), ...stubs } as Record<string, TaskStub>, executionName: EXECUTION, taskToken: 'tok-1', waits, entered: path });
  return { outcome, path };
}

const payloadOf = (outcome: RunOutcome, state: string, n = 1) => (inputOf(outcome, state, n) as { Payload?: Record<string, unknown> } | undefined)?.Payload;
const callsOf = (outcome: RunOutcome, state: string) => outcome.calls.filter((c) => c.state === state);
const last = (path: readonly string[]) => path[path.length - 1];
const stateOut = (outcome: RunOutcome) => (outcome.status === 'SUCCEEDED' ? (outcome.output as Record<string, unknown>) : {});

/** From the business-need review on: the states every approved, verified, activated request enters. */
const REVIEW_TO_ACTIVE = [
  'StartBusinessNeedReviewReminders',
  'AwaitBusinessNeedReview',
  'WasNeedApproved',
  'AssignTrainings',
  'AwaitTrainingAttestation',
  'AwaitTrainingVerification',
  'WasTrainingVerified',
  'IssueTemporaryPassword',
  'WaitForTemporaryPasswordExpiry',
  'CheckFirstLogin',
  'WasFirstLoginDone',
  'AccessActive',
];
/** An input of the request id alone: the settings and the view are got first. */
const HAPPY_PATH = ['WhereDoesTheRequestStart', 'UseDefaultSettings', 'WhereDoesTheRequestStart', 'LoadRequest', ...REVIEW_TO_ACTIVE];
/** What create starts a new request's execution with (functions/access/domain/workflow.ts). */
/** As create starts it (functions/access/domain/workflow.ts): the view also names whom the workflow's own e-mails go to. */
const CREATED = { requestId: REQUEST_ID, settings: DEFAULT_SETTINGS, view: { ...VIEW, employee: { fullName: 'Jane Doe', email: 'jane.doe@police.ct.example' }, requestedBy: { email: VIEW.agencyEmail } } };

describe('access-request state machine', () => {
  describe('when the input has no settings', () => {
    it('uses the default waits and reminders: a week for the unit, 10 days for the agency, 2 reminders each', async () => {
      const { outcome } = await run();

      expect(stateOut(outcome)['settings']).toEqual(DEFAULT_SETTINGS);
      expect((['AwaitBusinessNeedReview', 'AwaitTrainingAttestation', 'AwaitTrainingVerification'] as const).map((s) => [callsOf(outcome, s)[0]?.timeoutSeconds, payloadOf(outcome, s)?.['timeoutSeconds'], payloadOf(outcome, s)?.['maxReminders']])).toEqual([
        [604800, 604800, 2],
        [864000, 864000, 2],
        [604800, 604800, 2],
      ]);
    });

    it('loads the request, then asks the unit to review the business need through the notify function', async () => {
      const { outcome } = await run();

      expect(inputOf(outcome, 'LoadRequest')).toEqual({ FunctionName: fn('PrepareFunctionArn'), Payload: { requestId: REQUEST_ID } });
      expect(inputOf(outcome, 'AwaitBusinessNeedReview')).toEqual({
        FunctionName: fn('NotifyFunctionArn'),
        Payload: {
          taskToken: 'tok-1',
          executionArn: EXECUTION_ARN,
          workflow: 'access-request',
          step: 'business-need-review',
          subject: { type: 'access-request', id: REQUEST_ID, title: VIEW.title, facts: VIEW.facts },
          assignee: { role: 'unit', email: VIEW.unitEmail },
          question: expect.stringContaining('legitimate business need'),
          choices: [
            { id: 'approve', label: expect.any(String) },
            { id: 'deny', label: 'Deny', commentRequired: true },
          ],
          timeoutSeconds: 604800,
          reminder: 0,
          maxReminders: 2,
          statusChange: { from: ['RECEIVED'], to: 'UNDER_REVIEW', note: expect.any(String) },
        },
      });
    });

    it('keeps only the view fields of the prepare result, not the Lambda envelope', async () => {
      const { outcome } = await run({ LoadRequest: () => lambda({ ...VIEW, secret: 'not for the workflow' }) });

      expect(stateOut(outcome)['view']).toEqual(VIEW);
    });
  });

  describe('when the input gives settings', () => {
    const settings = { reviewSeconds: 60, reviewReminders: 0, attestationSeconds: 120, attestationReminders: 1, verificationSeconds: 180, verificationReminders: 3 };

    it('uses them for every human step instead of the defaults', async () => {
      const { outcome, path } = await run({}, { requestId: REQUEST_ID, settings });

      expect(path).not.toContain('UseDefaultSettings');
      expect(stateOut(outcome)['settings']).toEqual(settings);
      expect((['AwaitBusinessNeedReview', 'AwaitTrainingAttestation', 'AwaitTrainingVerification'] as const).map((s) => [callsOf(outcome, s)[0]?.timeoutSeconds, payloadOf(outcome, s)?.['maxReminders']])).toEqual([
        [60, 0],
        [120, 1],
        [180, 3],
      ]);
    });

    it('with 0 reminders for a step, closes its task after the first timeout', async () => {
      const { outcome, path } = await run({ AwaitBusinessNeedReview: timeout }, { requestId: REQUEST_ID, settings });

      expect(statesCalled(outcome)).toEqual(['LoadRequest', 'AwaitBusinessNeedReview', 'CloseBusinessNeedReviewTask', 'ExpireRequest']);
      expect(last(path)).toBe('RequestExpired');
    });
  });

  describe('the happy path', () => {
    it('runs review, trainings, attestation, verification, the account, the 24-hour wait and the first-login check, and ends AccessActive', async () => {
      const { outcome, path } = await run();

      expect(outcome.status).toBe('SUCCEEDED');
      expect(path).toEqual(HAPPY_PATH);
    });

    it('a new request, started with its settings and view as create starts it, goes straight to the review and reads nothing to start: 13 states in all', async () => {
      const { outcome, path } = await run({}, CREATED);

      expect(path).toEqual(['WhereDoesTheRequestStart', ...REVIEW_TO_ACTIVE]);
      expect(path).toHaveLength(13);
      expect(statesCalled(outcome)).not.toContain('LoadRequest');
      expect(payloadOf(outcome, 'AwaitBusinessNeedReview')).toMatchObject({ subject: { title: VIEW.title, facts: VIEW.facts }, assignee: { role: 'unit', email: VIEW.unitEmail }, timeoutSeconds: 604800 });
      expect(stateOut(outcome)).toMatchObject(CREATED);
    });

    it('sets the default settings of an input without them as the workflow’s own default, the view of one without it from the request', async () => {
      const withView = await run({}, { requestId: REQUEST_ID, view: VIEW });
      const withSettings = await run({}, { requestId: REQUEST_ID, settings: DEFAULT_SETTINGS });

      expect(withView.path.slice(0, 4)).toEqual(['WhereDoesTheRequestStart', 'UseDefaultSettings', 'WhereDoesTheRequestStart', 'StartBusinessNeedReviewReminders']);
      expect(withSettings.path.slice(0, 3)).toEqual(['WhereDoesTheRequestStart', 'LoadRequest', 'StartBusinessNeedReviewReminders']);
      expect(stateOut(withView.outcome)['settings']).toEqual(DEFAULT_SETTINGS);
    });

    it('tells of the trainings with training-assigned after approval, and moves the status only as each human step opens its task', async () => {
      const { outcome } = await run();

      // With the execution's view: whom to mail, so the step reads nothing.
      expect(inputOf(outcome, 'AssignTrainings')).toEqual({ FunctionName: fn('AdvanceFunctionArn'), Payload: { requestId: REQUEST_ID, event: 'training-assigned', view: VIEW } });
      // Each change names the one status it comes from: the task's opening writes it without reading the request.
      expect((['AwaitBusinessNeedReview', 'AwaitTrainingAttestation', 'AwaitTrainingVerification'] as const).map((s) => payloadOf(outcome, s)?.['statusChange'])).toEqual([
        { from: ['RECEIVED'], to: 'UNDER_REVIEW', note: expect.any(String) },
        { from: ['UNDER_REVIEW'], to: 'TRAINING_ASSIGNED', note: null },
        { from: ['TRAINING_ASSIGNED'], to: 'TRAINING_VERIFICATION', note: expect.any(String) },
      ]);
      // No separate state moves a status into a human step ahead of its task.
      expect(allStates(definition).map(([name]) => name)).not.toContain('RecordAttestation');
    });

    it('asks the agency admin of the ORI to attest the trainings, with the one choice attest', async () => {
      const { outcome } = await run();

      expect(payloadOf(outcome, 'AwaitTrainingAttestation')).toMatchObject({
        workflow: 'access-request',
        step: 'training-attestation',
        subject: { type: 'access-request', id: REQUEST_ID, title: VIEW.title, facts: VIEW.facts },
        assignee: { role: 'agency-admin', email: VIEW.agencyEmail, ori: VIEW.ori },
        choices: [{ id: 'attest', label: expect.any(String) }],
        reminder: 0,
      });
    });

    it('asks the unit to verify the trainings on CJIS Online, with verified and missing-module (comment required)', async () => {
      const { outcome } = await run();

      expect(payloadOf(outcome, 'AwaitTrainingVerification')).toMatchObject({
        step: 'training-verification',
        assignee: { role: 'unit', email: VIEW.unitEmail },
        question: expect.stringContaining('CJIS Online'),
        choices: [
          { id: 'verified', label: expect.any(String) },
          { id: 'missing-module', label: expect.any(String), commentRequired: true },
        ],
        reminder: 0,
      });
      expect(payloadOf(outcome, 'AwaitTrainingVerification')?.['assignee']).not.toHaveProperty('ori');
    });

    it('issues the password from the state the execution carries (its view: the employee and the agency), and checks the first login by request id only', async () => {
      const { outcome } = await run({}, CREATED);

      expect(inputOf(outcome, 'IssueTemporaryPassword')).toEqual({ FunctionName: fn('IssuePasswordFunctionArn'), Payload: expect.objectContaining({ requestId: REQUEST_ID, view: CREATED.view }) });
      expect(inputOf(outcome, 'IssueTemporaryPassword')).not.toHaveProperty('Payload.reissue');
      expect(inputOf(outcome, 'CheckFirstLogin')).toEqual({ FunctionName: fn('CheckActivationFunctionArn'), Payload: { requestId: REQUEST_ID } });
    });

    it('keeps only the expiry from the password step: nothing else it returns enters the state', async () => {
      const { outcome } = await run({ IssueTemporaryPassword: () => lambda({ temporaryPasswordExpiresAt: EXPIRES_AT, temporaryPassword: 'Hq7ZpT3kWmN8rYbc' }) });

      expect(stateOut(outcome)['account']).toEqual({ temporaryPasswordExpiresAt: EXPIRES_AT });
      expect(JSON.stringify(outcome.status === 'SUCCEEDED' ? outcome.output : null)).not.toContain('Hq7ZpT3kWmN8rYbc');
    });

    it('ends TemporaryPasswordExpired when the first login was not done by the expiry', async () => {
      const { outcome, path } = await run({ CheckFirstLogin: () => lambda({ active: false }) });

      expect(outcome.status).toBe('SUCCEEDED');
      expect(path.slice(-3)).toEqual(['CheckFirstLogin', 'WasFirstLoginDone', 'TemporaryPasswordExpired']);
    });
  });

  describe('the wait for the temporary password to expire', () => {
    it('is a Wait on the expiry the password step returned ($.account.temporaryPasswordExpiresAt)', () => {
      const wait = allStates(definition).find(([name]) => name === 'WaitForTemporaryPasswordExpiry')?.[1];
      expect(wait).toEqual({ Type: 'Wait', TimestampPath: '$.account.temporaryPasswordExpiresAt', Next: 'CheckFirstLogin' });
    });

    it('waits until that timestamp before checking the first login', async () => {
      const started = Date.now();
      const soon = new Date(started + 1500).toISOString();

      const { outcome } = await run({ IssueTemporaryPassword: () => lambda({ temporaryPasswordExpiresAt: soon }) }, { requestId: REQUEST_ID }, []);

      expect(outcome.status).toBe('SUCCEEDED');
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    });

    it('checks at once when the expiry has already passed', async () => {
      const started = Date.now();

      const { outcome } = await run({ IssueTemporaryPassword: () => lambda({ temporaryPasswordExpiresAt: '2020-01-01T00:00:00.000Z' }) }, { requestId: REQUEST_ID }, []);

      expect(statesCalled(outcome).slice(-2)).toEqual(['IssueTemporaryPassword', 'CheckFirstLogin']);
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('a reissue', () => {
    it('goes straight to issuing a new temporary password, then waits and checks the first login', async () => {
      const { outcome, path } = await run({}, { requestId: REQUEST_ID, reissue: true });

      expect(path).toEqual(['WhereDoesTheRequestStart', 'IssueTemporaryPassword', 'WaitForTemporaryPasswordExpiry', 'CheckFirstLogin', 'WasFirstLoginDone', 'AccessActive']);
      // A reissue carries no view: the step reads the request.
      expect(inputOf(outcome, 'IssueTemporaryPassword')).toEqual({ FunctionName: fn('IssuePasswordFunctionArn'), Payload: { requestId: REQUEST_ID, reissue: true } });
    });

    it('ends TemporaryPasswordExpired again when the new password is not used either', async () => {
      const { path } = await run({ CheckFirstLogin: () => lambda({ active: false }) }, { requestId: REQUEST_ID, reissue: true });

      expect(last(path)).toBe('TemporaryPasswordExpired');
    });
  });

  describe('when the unit denies the request', () => {
    it('moves the request to denied with the unit’s comment, and ends RequestDenied without assigning trainings', async () => {
      const { outcome, path } = await run({ AwaitBusinessNeedReview: () => decision('deny', 'Duties do not need criminal history') });

      expect(inputOf(outcome, 'DenyRequest')).toEqual({ FunctionName: fn('AdvanceFunctionArn'), Payload: { requestId: REQUEST_ID, event: 'denied', note: 'Duties do not need criminal history' } });
      expect(statesCalled(outcome)).toEqual(['LoadRequest', 'AwaitBusinessNeedReview', 'DenyRequest']);
      expect(outcome.status).toBe('SUCCEEDED');
      expect(last(path)).toBe('RequestDenied');
    });

    it('denies on a reminder just as on the first e-mail', async () => {
      const { outcome, path } = await run({ AwaitBusinessNeedReview: inTurn(timeout, decision('deny', 'no')) });

      expect(payloadOf(outcome, 'AwaitBusinessNeedReview', 2)).toMatchObject({ reminder: 1 });
      expect(last(path)).toBe('RequestDenied');
    });
  });

  describe('when the unit finds a module missing', () => {
    it('tells the agency which (the unit’s comment), then asks the agency to attest again', async () => {
      const { outcome, path } = await run({ AwaitTrainingVerification: inTurn(decision('missing-module', 'CCHRS & NGI Training not on CJIS Online'), decision('verified')) });

      expect(inputOf(outcome, 'ReportMissingModules')).toEqual({ FunctionName: fn('AdvanceFunctionArn'), Payload: { requestId: REQUEST_ID, event: 'missing-modules', note: 'CCHRS & NGI Training not on CJIS Online', view: VIEW } });
      const i = path.indexOf('ReportMissingModules');
      expect(path.slice(i - 2, i + 3)).toEqual(['AwaitTrainingVerification', 'WasTrainingVerified', 'ReportMissingModules', 'AwaitTrainingAttestation', 'AwaitTrainingVerification']);
      expect(statesCalled(outcome).filter((s) => s === 'AwaitTrainingAttestation')).toHaveLength(2);
      // The second attestation task moves the request back to TRAINING_ASSIGNED (from verification), noting what was missing.
      expect(payloadOf(outcome, 'AwaitTrainingAttestation', 2)?.['statusChange']).toEqual({ from: ['TRAINING_VERIFICATION'], to: 'TRAINING_ASSIGNED', note: 'CCHRS & NGI Training not on CJIS Online' });
      expect(last(path)).toBe('AccessActive');
    });

    it('starts the attestation reminders again from 0, however many the first attestation used', async () => {
      const { outcome } = await run({
        AwaitTrainingAttestation: inTurn(timeout, timeout, decision('attest'), decision('attest')),
        AwaitTrainingVerification: inTurn(decision('missing-module', 'no NGI record'), decision('verified')),
      });

      expect(callsOf(outcome, 'AwaitTrainingAttestation').map((c) => (c.input as { Payload: { reminder: number } }).Payload.reminder)).toEqual([0, 1, 2, 0]);
    });

    it('starts the verification reminders again from 0 too', async () => {
      const { outcome } = await run({ AwaitTrainingVerification: inTurn(timeout, decision('missing-module', 'no NGI record'), decision('verified')) });

      expect(callsOf(outcome, 'AwaitTrainingVerification').map((c) => (c.input as { Payload: { reminder: number } }).Payload.reminder)).toEqual([0, 1, 0]);
    });
  });

  describe('when the unit says verified', () => {
    it('issues the password straight away: every channel refuses "verified" until the evidence is recorded, so no state checks it again', async () => {
      const { path } = await run();

      expect(path.slice(path.indexOf('AwaitTrainingVerification'), path.indexOf('IssueTemporaryPassword') + 1)).toEqual(['AwaitTrainingVerification', 'WasTrainingVerified', 'IssueTemporaryPassword']);
      expect(JSON.stringify(definition)).not.toContain('CheckEvidenceFunctionArn');
    });
  });

  describe.each(Object.entries(HUMAN_STEPS) as [HumanStep, (typeof HUMAN_STEPS)[HumanStep]][])('when nobody acts on %s', (state, { step, close }) => {
    it(`reminds twice (reminder 1, then 2) with the same timeout, then closes the ${step} task and expires the request`, async () => {
      const { outcome, path } = await run({ [state]: timeout });

      const waits = callsOf(outcome, state);
      expect(waits.map((c) => (c.input as { Payload: { reminder: number } }).Payload.reminder)).toEqual([0, 1, 2]);
      expect(new Set(waits.map((c) => c.timeoutSeconds)).size).toBe(1);
      expect(inputOf(outcome, close)).toEqual({ FunctionName: fn('ExpireFunctionArn'), Payload: { workflow: 'access-request', subjectId: REQUEST_ID, step } });
      expect(inputOf(outcome, 'ExpireRequest')).toEqual({ FunctionName: fn('AdvanceFunctionArn'), Payload: { requestId: REQUEST_ID, event: 'request-expired' } });
      expect(statesCalled(outcome).slice(-5)).toEqual([state, state, state, close, 'ExpireRequest']);
      expect(outcome.status).toBe('SUCCEEDED');
      expect(last(path)).toBe('RequestExpired');
      expect(statesCalled(outcome)).not.toContain('IssueTemporaryPassword');
    });

    it('sends each reminder with the same payload but for the reminder number', async () => {
      const { outcome } = await run({ [state]: timeout });

      const [first, ...rest] = callsOf(outcome, state).map((c) => {
        const { reminder: _reminder, ...payload } = (c.input as { Payload: Record<string, unknown> }).Payload;
        return payload;
      });
      expect(rest).toEqual([first, first]);
    });

    it('still expires the request when closing the task keeps failing, after retrying it', async () => {
      const { outcome, path } = await run({ [state]: timeout, [close]: fails('Lambda.ServiceException', 'tasks table unavailable') });

      expect(callsOf(outcome, close)).toHaveLength(4);
      expect(statesCalled(outcome).slice(-1)).toEqual(['ExpireRequest']);
      expect(outcome.status).toBe('SUCCEEDED');
      expect(last(path)).toBe('RequestExpired');
    });

    it('still expires the request when closing the task fails without a retry', async () => {
      const { outcome, path } = await run({ [state]: timeout, [close]: fails('TaskNotFound') });

      expect(callsOf(outcome, close)).toHaveLength(1);
      expect(last(path)).toBe('RequestExpired');
    });
  });

  describe('when a step fails', () => {
    /** How to reach each Lambda state: the stubs that lead there. */
    const routes: Record<string, Partial<Record<string, TaskStub>>> = {
      LoadRequest: {},
      AwaitBusinessNeedReview: {},
      DenyRequest: { AwaitBusinessNeedReview: () => decision('deny', 'no need') },
      AssignTrainings: {},
      AwaitTrainingAttestation: {},
      AwaitTrainingVerification: {},
      ReportMissingModules: { AwaitTrainingVerification: () => decision('missing-module', 'no NGI record') },
      IssueTemporaryPassword: {},
      CheckFirstLogin: {},
      ExpireRequest: { AwaitBusinessNeedReview: timeout },
    };

    it.each(Object.keys(routes))('fails AccessRequestFailed with the cause when %s fails', async (state) => {
      const { outcome, path } = await run({ ...routes[state], [state]: fails('RequestNotFound', `${state}: no request req-42`) });

      expect(outcome).toMatchObject({ status: 'FAILED', error: 'AccessRequestFailed', cause: `${state}: no request req-42` });
      expect(callsOf(outcome, state)).toHaveLength(1);
      expect(statesCalled(outcome).at(-1)).toBe(state);
      expect(last(path)).toBe('WorkflowFailed');
    });

    it.each(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'TransientFailure'])('retries %s three times before failing AccessRequestFailed', async (error) => {
      const { outcome } = await run({ AssignTrainings: fails(error, 'still down') });

      expect(callsOf(outcome, 'AssignTrainings')).toHaveLength(4);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'AccessRequestFailed', cause: 'still down' });
    });

    it('retries a step whose Lambda timed out (Sandbox.Timedout) twice before failing AccessRequestFailed', async () => {
      const { outcome } = await run({ AssignTrainings: fails('Sandbox.Timedout', 'Task timed out after 10.00 seconds') });

      expect(callsOf(outcome, 'AssignTrainings')).toHaveLength(3);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'AccessRequestFailed', cause: 'Task timed out after 10.00 seconds' });
    });

    it('goes on when a timed-out step answers on its retry', async () => {
      const { outcome, path } = await run({ IssueTemporaryPassword: inTurn(fails('Sandbox.Timedout'), () => lambda({ temporaryPasswordExpiresAt: EXPIRES_AT })) });

      expect(callsOf(outcome, 'IssueTemporaryPassword')).toHaveLength(2);
      expect(last(path)).toBe('AccessActive');
    });

    it('goes on when a retried failure clears', async () => {
      const { outcome, path } = await run({ IssueTemporaryPassword: inTurn(fails('TransientFailure'), () => lambda({ temporaryPasswordExpiresAt: EXPIRES_AT })) });

      expect(callsOf(outcome, 'IssueTemporaryPassword')).toHaveLength(2);
      expect(last(path)).toBe('AccessActive');
    });

    it('does not treat a human step’s non-timeout failure as a timeout: no reminder, no expiry', async () => {
      const { outcome } = await run({ AwaitTrainingAttestation: fails('InvalidInput', 'assignee.email: Invalid email address') });

      expect(statesCalled(outcome)).not.toContain('CloseTrainingAttestationTask');
      expect(statesCalled(outcome)).not.toContain('ExpireRequest');
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'AccessRequestFailed', cause: 'assignee.email: Invalid email address' });
    });
  });
});
