import { allStates, inputOf, namedError, runMachine, statesCalled, substitutedDefinition, type RunOutcome, type TaskStub } from './harness';

const definition = substitutedDefinition('arrest-packet.asl.json');
const PACKET_ID = 'pkt-7f3a';
const VERSION = 3;
const EXECUTION = `${PACKET_ID}-v${VERSION}`;
const EXECUTION_ARN = `arn:aws:states:us-east-1:123456789012:execution:test:${EXECUTION}`;
const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:ArrestPacketMachineArn';
const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

const CLERK = { role: 'court-clerk', email: 'clerk.ga14@jud.ct.example', court: 'GA14' };
const TITLE = `Arrest packet 2026-000123 from CT0000100 (version ${VERSION})`;
const FACTS = [
  { label: 'Agency', value: 'Hartford PD (CT0000100)' },
  { label: 'Charge 1', value: '53a-61 Assault in the third degree (A misdemeanor, 1 count)' },
];
const DOCKET = 'H14H-CR26-0123456-S';
const ADJUDICATION = { dispositions: [{ chargeSequenceID: 1, disposition: 'nolle' }], adjudicatedAt: '2027-09-01T10:00:00.000Z', adjudicatedBy: 'judge.doe' };

const lambda = (payload: unknown) => ({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: payload }) as never;
const validation = (valid: boolean) =>
  lambda({
    valid,
    problems: valid ? [] : PROBLEMS,
    warnings: [],
    title: TITLE,
    facts: FACTS,
    clerk: valid ? CLERK : null,
    ori: 'CT0000100',
    incidentNumber: '2026-000123',
    agencyEmail: AGENCY_EMAIL,
  });
const AGENCY_EMAIL = 'records@nhpd.ct.example';
/** The packet as stored, as receive starts the execution with it. */
const CARRIED = { packet: { incidentNumber: '2026-000123', agency: { ori: 'CT0000100', contactEmail: AGENCY_EMAIL } }, ori: 'CT0000100', incidentNumber: '2026-000123' };
const PROBLEMS = [{ field: 'charges[0].statuteSection', rule: '53a-999 is not a known Connecticut statute section' }];
/** What the later steps carry of the packet for its status events (from the validation). */
const DESCRIBED = { ori: 'CT0000100', incidentNumber: '2026-000123' };
/** What every notice to the agency carries of the packet (from the validation): it reads nothing. */
const ABOUT = { ...DESCRIBED, contactEmail: AGENCY_EMAIL };
const NOTIFIED_AT = '2026-11-23T16:00:00.000Z';
const AVAILABLE = { docketNumber: DOCKET, agencyNotifiedAt: NOTIFIED_AT, ...DESCRIBED };
const decision = (choice: string, comment: string | null = null) => ({ taskId: 'task-9', decision: choice, comment, decidedBy: CLERK.email, decidedAt: '2026-11-23T15:00:00.000Z', channel: 'email-link' });
const fails =
  (name: string, message = `${name} in the stub`): TaskStub =>
  () => {
    throw namedError(name, message);
  };
const timeout = fails('States.Timeout', 'no answer in time');
/** A stub that answers its nth call with the nth response, the last one thereafter. */
const inTurn =
  (...responses: TaskStub[]): TaskStub =>
  (input, attempt) =>
    (responses[Math.min(attempt, responses.length) - 1] as TaskStub)(input, attempt);

/** Valid, accepted, transmitted, agency told, available, adjudicated. */
const happy = (): Record<string, TaskStub> => ({
  ValidatePacket: () => validation(true),
  TellAgencyOfRejection: () => lambda({ messageId: 'm-rejected' }),
  AwaitClerkReview: () => decision('accept'),
  CloseUnansweredReview: () => lambda({ taskId: 'task-9', status: 'EXPIRED' }),
  RecordReviewTimedOut: () => lambda({ status: 'REVIEW_TIMED_OUT' }),
  TellAgencyReviewTimedOut: () => lambda({ messageId: 'm-timed-out' }),
  RecordReturn: () => lambda({ status: 'RETURNED' }),
  TellAgencyOfReturn: () => lambda({ messageId: 'm-returned' }),
  RecordAcceptance: () => lambda({ status: 'ACCEPTED' }),
  TransmitToCms: () => lambda({ docketNumber: DOCKET }),
  NotifyAgency: () => lambda({ messageId: 'm-processed', notifiedAt: NOTIFIED_AT }),
  AwaitAdjudication: () => ADJUDICATION,
  ContinueAsNew: () => ({ ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:ArrestPacketMachineArn:${PACKET_ID}-v${VERSION}-g2`, StartDate: '2027-09-01T10:00:00.000Z' }),
  MakeHistorical: () => lambda({ status: 'HISTORICAL' }),
});

interface Run {
  readonly outcome: RunOutcome;
  /** Every state entered, in order. */
  readonly path: string[];
}

async function run(stubs: Partial<Record<string, TaskStub>> = {}, input: Record<string, unknown> = { packetId: PACKET_ID, version: VERSION }): Promise<Run> {
  const path: string[] = [];
  const outcome = await runMachine(definition, input as never, { tasks: { ...happy(), ...stubs } as Record<string, TaskStub>, executionName: EXECUTION, taskToken: 'tok-1', entered: path });
  return { outcome, path };
}

const payloadOf = (outcome: RunOutcome, state: string, n = 1) => (inputOf(outcome, state, n) as { Payload?: Record<string, unknown> } | undefined)?.Payload;
const callsOf = (outcome: RunOutcome, state: string) => outcome.calls.filter((c) => c.state === state);
const last = (path: readonly string[]) => path[path.length - 1];
const output = (outcome: RunOutcome) => (outcome.status === 'SUCCEEDED' ? (outcome.output as Record<string, unknown>) : {});

const TO_CLERK = ['IsAdjudicationWaitContinued', 'ValidatePacket', 'IsPacketValid', 'StartClerkReview', 'AwaitClerkReview'];
const ACCEPTED_TO_WAIT = ['WhatDidTheClerkDecide', 'RecordAcceptance', 'TransmitToCms', 'NotifyAgency', 'StartAdjudicationWait', 'AwaitAdjudication'];
const HAPPY_PATH = [...TO_CLERK, ...ACCEPTED_TO_WAIT, 'MakeHistorical', 'PacketIsHistorical'];
const TIMED_OUT_PATH = [
  ...TO_CLERK,
  'AnyRemindersLeft',
  'CountReminder',
  'AwaitClerkReview',
  'AnyRemindersLeft',
  'CountReminder',
  'AwaitClerkReview',
  'AnyRemindersLeft',
  'CloseUnansweredReview',
  'RecordReviewTimedOut',
  'TellAgencyReviewTimedOut',
  'ClerkReviewTimedOut',
];

describe('arrest-packet state machine', () => {
  describe('a valid packet the clerk accepts and Judicial adjudicates', () => {
    it('validates, reviews, records acceptance, transmits, tells the agency, makes it available as it waits, then makes it historical', async () => {
      const { outcome, path } = await run();

      expect(path).toEqual(HAPPY_PATH);
      expect(statesCalled(outcome)).toEqual(['ValidatePacket', 'AwaitClerkReview', 'RecordAcceptance', 'TransmitToCms', 'NotifyAgency', 'AwaitAdjudication', 'MakeHistorical']);
      expect(outcome.status).toBe('SUCCEEDED');
    });

    it('goes straight to the clerk review when the input carries its timings (as receive starts it): 12 states in all', async () => {
      const { outcome, path } = await run({}, { packetId: PACKET_ID, version: VERSION, review: { decisionSeconds: 172800, reminder: 0, maxReminders: 2 } });

      expect(path).toEqual(HAPPY_PATH.filter((s) => s !== 'StartClerkReview'));
      expect(path).toHaveLength(12);
      expect(payloadOf(outcome, 'AwaitClerkReview')).toMatchObject({ timeoutSeconds: 172800, reminder: 0, maxReminders: 2 });
    });

    it('ends with the validation, the decision, the docket, generation 1 and the adjudication on the output', async () => {
      const { outcome } = await run();

      expect(output(outcome)).toEqual({
        packetId: PACKET_ID,
        version: VERSION,
        validation: { valid: true, clerk: CLERK, title: TITLE, facts: FACTS, warnings: [], problems: [], ...DESCRIBED, agencyEmail: AGENCY_EMAIL },
        review: { decisionSeconds: 172800, reminder: 0, maxReminders: 2 },
        decision: decision('accept'),
        cms: { docketNumber: DOCKET },
        notice: { notifiedAt: NOTIFIED_AT },
        wait: { generation: 1, available: AVAILABLE },
        adjudication: ADJUDICATION,
      });
    });

    it('asks the validate function for the packet version of this execution', async () => {
      const { outcome } = await run();

      expect(inputOf(outcome, 'ValidatePacket')).toEqual({ FunctionName: fn('ValidateFunctionArn'), Payload: { packetId: PACKET_ID, version: VERSION } });
    });

    it('asks the clerk of the packet’s court, with the title and facts from validation, accept or return (reason required), for two days', async () => {
      const { outcome } = await run();

      expect(inputOf(outcome, 'AwaitClerkReview')).toEqual({
        FunctionName: fn('NotifyFunctionArn'),
        Payload: {
          taskToken: 'tok-1',
          executionArn: EXECUTION_ARN,
          workflow: 'arrest-packet',
          step: 'clerk-review',
          subject: { type: 'arrest-packet', id: PACKET_ID, title: TITLE, facts: FACTS },
          assignee: CLERK,
          question: expect.stringContaining('Accept this arrest packet'),
          choices: [
            { id: 'accept', label: 'Accept' },
            { id: 'return', label: 'Return to agency', commentRequired: true },
          ],
          timeoutSeconds: 172800,
          reminder: 0,
          maxReminders: 2,
          // VALIDATED, with the warnings, is written in the transaction that opens the task.
          statusChange: { from: ['RECEIVED'], to: 'VALIDATED', version: VERSION, set: { warnings: [] }, about: DESCRIBED },
        },
      });
      expect(callsOf(outcome, 'AwaitClerkReview')[0]?.timeoutSeconds).toBe(172800);
    });

    it('records ACCEPTED by the clerk who decided, then transmits the packet version to CMS', async () => {
      const { outcome } = await run();

      expect(inputOf(outcome, 'RecordAcceptance')).toEqual({ FunctionName: fn('RecordFunctionArn'), Payload: { packetId: PACKET_ID, version: VERSION, to: 'ACCEPTED', decidedBy: CLERK.email, ...DESCRIBED } });
      // Sent the state: the packet as stored, when the input carries it, goes with it.
      expect(inputOf(outcome, 'TransmitToCms')).toEqual({ FunctionName: fn('TransmitFunctionArn'), Payload: expect.objectContaining({ packetId: PACKET_ID, version: VERSION }) });
      const carried = await run({}, { packetId: PACKET_ID, version: VERSION, ...CARRIED });
      expect(payloadOf(carried.outcome, 'ValidatePacket')).toEqual({ packetId: PACKET_ID, version: VERSION, ...CARRIED });
      expect(payloadOf(carried.outcome, 'TransmitToCms')).toMatchObject({ packetId: PACKET_ID, version: VERSION, ...CARRIED });
    });

    it('tells the agency its packet was processed, then goes straight to the wait (no step of its own makes it AVAILABLE)', async () => {
      const { outcome, path } = await run();

      expect(inputOf(outcome, 'NotifyAgency')).toEqual({ FunctionName: fn('NotifyAgencyFunctionArn'), Payload: { packetId: PACKET_ID, version: VERSION, kind: 'processed', about: { ...ABOUT, docketNumber: DOCKET } } });
      expect(path.slice(path.indexOf('NotifyAgency'), path.indexOf('AwaitAdjudication') + 1)).toEqual(['NotifyAgency', 'StartAdjudicationWait', 'AwaitAdjudication']);
      expect(callsOf(outcome, 'NotifyAgency').concat(callsOf(outcome, 'AwaitAdjudication')).map((c) => c.state)).toEqual(['NotifyAgency', 'AwaitAdjudication']);
    });

    it('registers this execution (token and ARN, generation 1) as the one waiting, with what makes the packet AVAILABLE in that write (docket, notice time, ORI, incident), then records HISTORICAL', async () => {
      const { outcome } = await run();

      expect(inputOf(outcome, 'AwaitAdjudication')).toEqual({
        FunctionName: fn('AwaitAdjudicationFunctionArn'),
        Payload: { taskToken: 'tok-1', executionArn: EXECUTION_ARN, packetId: PACKET_ID, version: VERSION, wait: { generation: 1, available: AVAILABLE } },
      });
      expect(inputOf(outcome, 'MakeHistorical')).toEqual({ FunctionName: fn('RecordFunctionArn'), Payload: { packetId: PACKET_ID, version: VERSION, to: 'HISTORICAL' } });
    });

    it('archives the packet just the same when it was adjudicated before this execution started waiting (AlreadyAdjudicated)', async () => {
      const { outcome, path } = await run({ AwaitAdjudication: fails('AlreadyAdjudicated', 'adjudicated before generation 1 waited') });

      expect(path).toEqual(HAPPY_PATH);
      expect(outcome.status).toBe('SUCCEEDED');
      expect(output(outcome)).not.toHaveProperty('adjudication');
      expect(output(outcome)).not.toHaveProperty('error');
    });
  });

  describe('an invalid packet', () => {
    it('tells the agency it was rejected and ends PacketRejected, with no clerk review', async () => {
      const { outcome, path } = await run({ ValidatePacket: () => validation(false) });

      expect(path).toEqual(['IsAdjudicationWaitContinued', 'ValidatePacket', 'IsPacketValid', 'TellAgencyOfRejection', 'PacketRejected']);
      expect(inputOf(outcome, 'TellAgencyOfRejection')).toEqual({ FunctionName: fn('NotifyAgencyFunctionArn'), Payload: { packetId: PACKET_ID, version: VERSION, kind: 'rejected', about: { ...ABOUT, problems: PROBLEMS } } });
      expect(outcome.status).toBe('SUCCEEDED');
      expect(output(outcome)['validation']).toEqual({ valid: false, clerk: null, title: TITLE, facts: FACTS, warnings: [], problems: PROBLEMS, ...DESCRIBED, agencyEmail: AGENCY_EMAIL });
    });
  });

  describe('the clerk returns the packet', () => {
    it('records RETURNED with the clerk and the reason, tells the agency, and ends PacketReturned without reaching CMS', async () => {
      const { outcome, path } = await run({ AwaitClerkReview: () => decision('return', 'Charge 2 cites the wrong subsection') });

      expect(path).toEqual([...TO_CLERK, 'WhatDidTheClerkDecide', 'RecordReturn', 'TellAgencyOfReturn', 'PacketReturned']);
      expect(inputOf(outcome, 'RecordReturn')).toEqual({
        FunctionName: fn('RecordFunctionArn'),
        Payload: { packetId: PACKET_ID, version: VERSION, to: 'RETURNED', decidedBy: CLERK.email, reason: 'Charge 2 cites the wrong subsection', ...DESCRIBED },
      });
      expect(inputOf(outcome, 'TellAgencyOfReturn')).toEqual({ FunctionName: fn('NotifyAgencyFunctionArn'), Payload: { packetId: PACKET_ID, version: VERSION, kind: 'returned', about: { ...ABOUT, returnReason: 'Charge 2 cites the wrong subsection' } } });
      expect(outcome.status).toBe('SUCCEEDED');
    });

    it('treats any decision other than accept as a return (the Choice default)', async () => {
      const { path } = await run({ AwaitClerkReview: () => decision('something-else', 'why') });

      expect(path).toEqual([...TO_CLERK, 'WhatDidTheClerkDecide', 'RecordReturn', 'TellAgencyOfReturn', 'PacketReturned']);
    });
  });

  describe('the clerk does not decide', () => {
    it('reminds twice (reminder 1, then 2), each for two days, then closes the task, records REVIEW_TIMED_OUT, tells the agency and fails ClerkReviewTimedOut', async () => {
      const { outcome, path } = await run({ AwaitClerkReview: timeout });

      expect(path).toEqual(TIMED_OUT_PATH);
      expect([1, 2, 3].map((n) => payloadOf(outcome, 'AwaitClerkReview', n)?.['reminder'])).toEqual([0, 1, 2]);
      expect(callsOf(outcome, 'AwaitClerkReview').map((c) => c.timeoutSeconds)).toEqual([172800, 172800, 172800]);
      expect(inputOf(outcome, 'CloseUnansweredReview')).toEqual({ FunctionName: fn('ExpireFunctionArn'), Payload: { workflow: 'arrest-packet', subjectId: PACKET_ID, step: 'clerk-review' } });
      expect(inputOf(outcome, 'RecordReviewTimedOut')).toEqual({ FunctionName: fn('RecordFunctionArn'), Payload: { packetId: PACKET_ID, version: VERSION, to: 'REVIEW_TIMED_OUT', ...DESCRIBED } });
      expect(inputOf(outcome, 'TellAgencyReviewTimedOut')).toEqual({ FunctionName: fn('NotifyAgencyFunctionArn'), Payload: { packetId: PACKET_ID, version: VERSION, kind: 'review-timed-out', about: ABOUT } });
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ClerkReviewTimedOut', cause: expect.stringContaining('REVIEW_TIMED_OUT') });
    });

    it('sends every reminder with the same subject, clerk, choices and timeout', async () => {
      const { outcome } = await run({ AwaitClerkReview: timeout });

      const { reminder: _r0, taskToken: _t0, ...first } = payloadOf(outcome, 'AwaitClerkReview', 1) ?? {};
      for (const n of [2, 3]) {
        const { reminder: _r, taskToken: _t, ...again } = payloadOf(outcome, 'AwaitClerkReview', n) ?? {};
        expect(again).toEqual(first);
      }
    });

    it('goes on to CMS when the clerk accepts on a reminder', async () => {
      const { outcome, path } = await run({ AwaitClerkReview: inTurn(timeout, () => decision('accept')) });

      expect(path).toEqual([...TO_CLERK, 'AnyRemindersLeft', 'CountReminder', 'AwaitClerkReview', ...ACCEPTED_TO_WAIT, 'MakeHistorical', 'PacketIsHistorical']);
      expect(payloadOf(outcome, 'AwaitClerkReview', 2)?.['reminder']).toBe(1);
    });

    it('retries closing the unanswered task (any task failure) four times, then still records REVIEW_TIMED_OUT and ends ClerkReviewTimedOut', async () => {
      const { outcome, path } = await run({ AwaitClerkReview: timeout, CloseUnansweredReview: fails('TaskNotFound', 'no open task') });

      expect(callsOf(outcome, 'CloseUnansweredReview')).toHaveLength(5);
      expect(path.slice(-3)).toEqual(['RecordReviewTimedOut', 'TellAgencyReviewTimedOut', 'ClerkReviewTimedOut']);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ClerkReviewTimedOut' });
    });

    it('still ends ClerkReviewTimedOut when telling the agency fails', async () => {
      const { outcome, path } = await run({ AwaitClerkReview: timeout, TellAgencyReviewTimedOut: fails('MessageRejected', 'SES refused') });

      expect(last(path)).toBe('ClerkReviewTimedOut');
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ClerkReviewTimedOut' });
    });
  });

  describe('transmitting to CMS', () => {
    it('retries CmsUnavailable and goes on with the docket once CMS answers', async () => {
      const { outcome, path } = await run({ TransmitToCms: inTurn(fails('CmsUnavailable', 'CMS answered 503'), fails('CmsUnavailable', 'CMS answered 429'), () => lambda({ docketNumber: DOCKET })) });

      expect(callsOf(outcome, 'TransmitToCms')).toHaveLength(3);
      expect(path).toEqual(HAPPY_PATH);
      expect(payloadOf(outcome, 'NotifyAgency')).toMatchObject({ kind: 'processed' });
      expect(output(outcome)['cms']).toEqual({ docketNumber: DOCKET });
    });

    it('fails the execution with CMS’s own error when CMS refuses, uncaught (so it can be redriven at this step), and goes no further', async () => {
      const { outcome, path } = await run({ TransmitToCms: fails('CmsRejected', `CMS refused packet ${PACKET_ID} version ${VERSION} with 422`) });

      expect(outcome).toMatchObject({ status: 'FAILED', error: 'CmsRejected', cause: `CMS refused packet ${PACKET_ID} version ${VERSION} with 422` });
      expect(callsOf(outcome, 'TransmitToCms')).toHaveLength(1);
      expect(last(path)).toBe('TransmitToCms');
      expect(path).not.toContain('StepFailed');
      expect(statesCalled(outcome)).not.toContain('NotifyAgency');
    });

    it('gives up after six retries of CmsUnavailable and fails with CmsUnavailable, uncaught', async () => {
      const { outcome, path } = await run({ TransmitToCms: fails('CmsUnavailable', 'CMS could not be reached: TypeError') });

      expect(callsOf(outcome, 'TransmitToCms')).toHaveLength(7);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'CmsUnavailable', cause: 'CMS could not be reached: TypeError' });
      expect(last(path)).toBe('TransmitToCms');
    });

    it.each(['Sandbox.Timedout', 'TimeoutError', 'States.Timeout'])('retries a transmit that timed out (%s) twice, and goes on with the docket once it answers', async (error) => {
      const { outcome, path } = await run({ TransmitToCms: inTurn(fails(error), fails(error), () => lambda({ docketNumber: DOCKET })) });

      expect(callsOf(outcome, 'TransmitToCms')).toHaveLength(3);
      expect(path).toEqual(HAPPY_PATH);
    });

    it('gives up after two timeout retries and fails with Sandbox.Timedout, uncaught (so it can be redriven at this step)', async () => {
      const { outcome, path } = await run({ TransmitToCms: fails('Sandbox.Timedout', 'Task timed out after 30.00 seconds') });

      expect(callsOf(outcome, 'TransmitToCms')).toHaveLength(3);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'Sandbox.Timedout', cause: 'Task timed out after 30.00 seconds' });
      expect(last(path)).toBe('TransmitToCms');
    });

    it('ends SupersededByNewerVersion when the packet version is stale', async () => {
      const { outcome, path } = await run({ TransmitToCms: fails('StaleVersion') });

      expect(path).toEqual([...TO_CLERK, 'WhatDidTheClerkDecide', 'RecordAcceptance', 'TransmitToCms', 'SupersededByNewerVersion']);
      expect(outcome.status).toBe('SUCCEEDED');
    });
  });

  describe('the adjudication wait runs out', () => {
    it('continues as new: the same machine, a name from packet, version and next generation, and the input the wait needs', async () => {
      const { outcome, path } = await run({ AwaitAdjudication: timeout });

      expect(path).toEqual([...TO_CLERK, ...ACCEPTED_TO_WAIT, 'CountContinuation', 'ContinueAsNew', 'AdjudicationWaitContinuesAsNew']);
      expect(inputOf(outcome, 'ContinueAsNew')).toEqual({
        StateMachineArn: MACHINE_ARN,
        Name: `${PACKET_ID}-v${VERSION}-g2`,
        Input: { packetId: PACKET_ID, version: VERSION, generation: 2, previousExecution: EXECUTION_ARN },
      });
      expect(outcome.status).toBe('SUCCEEDED');
      expect(statesCalled(outcome)).not.toContain('MakeHistorical');
    });

    it('waits no longer than 300 days, inside the execution’s one-year limit', () => {
      const state = Object.fromEntries(allStates(definition))['AwaitAdjudication'];

      expect(state?.['TimeoutSeconds']).toBe(300 * 86400);
      expect(Number(state?.['TimeoutSeconds'])).toBeLessThan(Number(definition['TimeoutSeconds']));
    });

    it('the continued execution, started with that input, goes straight to the wait as the next generation and archives on adjudication', async () => {
      const first = await run({ AwaitAdjudication: timeout });
      const { Input } = inputOf(first.outcome, 'ContinueAsNew') as { Input: Record<string, unknown> };

      const { outcome, path } = await run({}, Input);

      expect(path).toEqual(['IsAdjudicationWaitContinued', 'ContinueAdjudicationWait', 'AwaitAdjudication', 'MakeHistorical', 'PacketIsHistorical']);
      // A continued wait only registers itself: the packet is AVAILABLE already.
      expect(payloadOf(outcome, 'AwaitAdjudication')).toEqual({ taskToken: 'tok-1', executionArn: EXECUTION_ARN, packetId: PACKET_ID, version: VERSION, wait: { generation: 2 } });
      expect(payloadOf(outcome, 'MakeHistorical')).toEqual({ packetId: PACKET_ID, version: VERSION, to: 'HISTORICAL' });
    });

    it('a continued execution whose wait runs out too continues as generation 3', async () => {
      const { outcome, path } = await run({ AwaitAdjudication: timeout }, { packetId: PACKET_ID, version: VERSION, generation: 2, previousExecution: 'arn:prev' });

      expect(path).toEqual(['IsAdjudicationWaitContinued', 'ContinueAdjudicationWait', 'AwaitAdjudication', 'CountContinuation', 'ContinueAsNew', 'AdjudicationWaitContinuesAsNew']);
      expect(inputOf(outcome, 'ContinueAsNew')).toMatchObject({ Name: `${PACKET_ID}-v${VERSION}-g3`, Input: { generation: 3, packetId: PACKET_ID, version: VERSION } });
    });

    it('ends AdjudicationWaitContinuesAsNew when the next execution already exists (a retried start)', async () => {
      const { outcome, path } = await run({ AwaitAdjudication: timeout, ContinueAsNew: fails('StepFunctions.ExecutionAlreadyExistsException') });

      expect(last(path)).toBe('AdjudicationWaitContinuesAsNew');
      expect(outcome.status).toBe('SUCCEEDED');
      expect(output(outcome)).not.toHaveProperty('error');
    });

    it('retries a throttled start and then continues as new', async () => {
      const { outcome, path } = await run({ AwaitAdjudication: timeout, ContinueAsNew: inTurn(fails('StepFunctions.ThrottlingException'), happy()['ContinueAsNew'] as TaskStub) });

      expect(callsOf(outcome, 'ContinueAsNew')).toHaveLength(2);
      expect(last(path)).toBe('AdjudicationWaitContinuesAsNew');
      expect((output(outcome)['continuation'] as Record<string, unknown>)['started']).toEqual({ executionArn: expect.stringContaining(`${PACKET_ID}-v${VERSION}-g2`) });
    });

    it('fails ArrestPacketStepFailed when the start fails otherwise', async () => {
      const { outcome, path } = await run({ AwaitAdjudication: timeout, ContinueAsNew: fails('StepFunctions.AccessDeniedException', 'not allowed to start') });

      expect(last(path)).toBe('StepFailed');
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ArrestPacketStepFailed', cause: 'not allowed to start' });
    });
  });

  describe('when a step fails', () => {
    /** How to reach each Lambda state: the stubs that lead there. */
    const routes: Record<string, Partial<Record<string, TaskStub>>> = {
      ValidatePacket: {},
      TellAgencyOfRejection: { ValidatePacket: () => validation(false) },
      AwaitClerkReview: {},
      RecordReturn: { AwaitClerkReview: () => decision('return', 'wrong court') },
      TellAgencyOfReturn: { AwaitClerkReview: () => decision('return', 'wrong court') },
      RecordReviewTimedOut: { AwaitClerkReview: timeout },
      RecordAcceptance: {},
      NotifyAgency: {},
      AwaitAdjudication: {},
      MakeHistorical: {},
    };

    it.each(Object.keys(routes))('fails ArrestPacketStepFailed with the cause when %s fails', async (state) => {
      const { outcome, path } = await run({ ...routes[state], [state]: fails('PacketNotFound', `${state}: no packet ${PACKET_ID}`) });

      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ArrestPacketStepFailed', cause: `${state}: no packet ${PACKET_ID}` });
      expect(callsOf(outcome, state)).toHaveLength(1);
      expect(statesCalled(outcome).at(-1)).toBe(state);
      expect(path.slice(-2)).toEqual([state, 'StepFailed']);
    });

    const staleCaught = ['ValidatePacket', 'TellAgencyOfRejection', 'AwaitClerkReview', 'RecordReturn', 'TellAgencyOfReturn', 'RecordReviewTimedOut', 'RecordAcceptance', 'NotifyAgency', 'AwaitAdjudication', 'MakeHistorical'];
    it.each(staleCaught)('ends SupersededByNewerVersion, successfully, when %s finds a newer version', async (state) => {
      const { outcome, path } = await run({ ...routes[state], [state]: fails('StaleVersion', `Packet ${PACKET_ID} is at version 4, not 3`) });

      expect(path.slice(-2)).toEqual([state, 'SupersededByNewerVersion']);
      expect(outcome.status).toBe('SUCCEEDED');
    });

    it.each(['Sandbox.Timedout', 'TimeoutError'])('retries the clerk-review Lambda when it timed out (%s), without taking it for the clerk’s deadline', async (error) => {
      const { outcome, path } = await run({ AwaitClerkReview: inTurn(fails(error), () => decision('accept')) });

      expect(callsOf(outcome, 'AwaitClerkReview')).toHaveLength(2);
      expect(payloadOf(outcome, 'AwaitClerkReview', 2)?.['reminder']).toBe(0);
      expect(path).toEqual(HAPPY_PATH);
    });

    it('retries a Lambda step that timed out twice, then fails ArrestPacketStepFailed', async () => {
      const { outcome } = await run({ RecordAcceptance: fails('Sandbox.Timedout', 'Task timed out after 10.00 seconds') });

      expect(callsOf(outcome, 'RecordAcceptance')).toHaveLength(3);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ArrestPacketStepFailed', cause: 'Task timed out after 10.00 seconds' });
    });

    it('does not take a non-timeout failure of the clerk review for a timeout: no reminder, no REVIEW_TIMED_OUT', async () => {
      const { outcome, path } = await run({ AwaitClerkReview: fails('InvalidInput', 'assignee: Expected object, received null') });

      expect(path).not.toContain('AnyRemindersLeft');
      expect(statesCalled(outcome)).not.toContain('RecordReviewTimedOut');
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ArrestPacketStepFailed', cause: 'assignee: Expected object, received null' });
    });

    it.each([
      ['Lambda.ServiceException', 4],
      ['Lambda.TooManyRequestsException', 4],
      ['ThrottlingException', 5],
      ['TransactionConflictException', 5],
    ])('retries %s (%i calls in all) before failing ArrestPacketStepFailed', async (error, calls) => {
      const { outcome } = await run({ RecordAcceptance: fails(error, 'still down') });

      expect(callsOf(outcome, 'RecordAcceptance')).toHaveLength(calls);
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ArrestPacketStepFailed', cause: 'still down' });
    });

    it('goes on when a retried failure clears', async () => {
      const { outcome, path } = await run({ NotifyAgency: inTurn(fails('Lambda.ServiceException'), () => lambda({ messageId: 'm-processed', notifiedAt: NOTIFIED_AT })) });

      expect(callsOf(outcome, 'NotifyAgency')).toHaveLength(2);
      expect(path).toEqual(HAPPY_PATH);
    });
  });
});
