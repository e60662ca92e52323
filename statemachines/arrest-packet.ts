/** CISS arrest workflow (DESIGN 1.2), generated to arrest-packet.asl.json by `npm run asl`. */
import { CLERK_REVIEW } from '../functions/arrests/domain/review';
import { machine, states, type Payload } from './asl';
import { fromPath, humanStep, lambdaRetry, lambdaServiceRetrier, lambdaStep, onAnyError, onErrors, retrier, statusChange, substitution, type Workflow } from './parts';

/** A step that finds a newer version of the packet (StaleVersion) stops: that version's execution carries on. */
const superseded = onErrors(['StaleVersion'], 'SupersededByNewerVersion');
const arrest: Workflow = { name: 'arrest-packet', subjectId: '$.packetId', onError: [superseded, onAnyError('StepFailed')] };

const packet: Payload = { 'packetId.$': '$.packetId', 'version.$': '$.version' };

/**
 * What the status events say of the packet, from ValidatePacket's answer: the steps after it
 * change the status without reading the packet (the execution's input is ours, never a caller's).
 */
const described: Payload = { 'ori.$': '$.validation.ori', 'incidentNumber.$': '$.validation.incidentNumber' };

/** The packet's status becomes `to` (arrests-record). */
const record = (to: string, next: string, more: Payload = {}) => lambdaStep(arrest, { fn: 'RecordFunctionArn', payload: { ...packet, to, ...more }, next });

/** What each notice says of the packet besides its ORI, incident number and the agency's contact, from the state. */
const NOTICE: Record<string, Payload> = {
  rejected: { 'problems.$': '$.validation.problems' },
  returned: { 'returnReason.$': '$.decision.comment' },
  'review-timed-out': {},
  processed: { 'docketNumber.$': '$.cms.docketNumber' },
};

/** The agency is told by e-mail (arrests-notify-agency); `kind` names the message, which says what the execution carries (no read). */
const tellAgency = (kind: string, next: string, onError = arrest.onError, keep?: { fields: string[]; at: string }) =>
  lambdaStep(arrest, {
    fn: 'NotifyAgencyFunctionArn',
    payload: { ...packet, kind, about: { ...described, 'contactEmail.$': '$.validation.agencyEmail', ...NOTICE[kind] } },
    onError,
    ...(keep ? { keep } : {}),
    next,
  });

export default machine({
  Comment:
    'CISS arrest workflow (DESIGN 1.2): validate, clerk review, DCJ CMS, agency notice, available to the community, adjudicated and historical. Input: { packetId, version } (or, continuing the adjudication wait, { packetId, version, generation }).',
  StartAt: 'IsAdjudicationWaitContinued',
  TimeoutSeconds: 31536000,
  States: states(
    {
      IsAdjudicationWaitContinued: {
        Type: 'Choice',
        Comment: 'A continuation (continue-as-new of the long wait) starts straight at the wait.',
        Choices: [{ Variable: '$.generation', IsPresent: true, Next: 'ContinueAdjudicationWait' }],
        Default: 'ValidatePacket',
      },
      ValidatePacket: lambdaStep(arrest, {
        comment: 'Sent the input: the packet as stored travels with it (receive and amend start the execution), so validating it reads nothing; an input without it has the packet read.',
        fn: 'ValidateFunctionArn',
        payload: '$',
        keep: { fields: ['valid', 'clerk', 'title', 'facts', 'warnings', 'problems', 'ori', 'incidentNumber', 'agencyEmail'], at: '$.validation' },
        next: 'IsPacketValid',
      }),
      IsPacketValid: {
        Type: 'Choice',
        Choices: [
          { And: [{ Variable: '$.validation.valid', BooleanEquals: true }, { Variable: '$.review', IsPresent: true }], Next: 'AwaitClerkReview' },
          { Variable: '$.validation.valid', BooleanEquals: true, Next: 'StartClerkReview' },
        ],
        Default: 'TellAgencyOfRejection',
        Comment:
          "A packet for a court we know no clerk of is invalid (the court rule), so a valid packet always has its clerk. The review's timings and count come with the input (receive, amend); an input without them gets them first.",
      },
      TellAgencyOfRejection: tellAgency('rejected', 'PacketRejected'),
      PacketRejected: { Type: 'Succeed', Comment: "Status REJECTED, every failed rule on the packet and in the agency's e-mail; the agency amends with a new version." },
    },
    humanStep(arrest, {
      states: { startReminders: 'StartClerkReview', await: 'AwaitClerkReview', anyRemindersLeft: 'AnyRemindersLeft', countReminder: 'CountReminder', closeTask: 'CloseUnansweredReview' },
      comment:
        "The shared human task: the clerk of the packet's court gets signed links (or uses the tasks API). No heartbeat: TimeoutSecondsPath bounds the wait and the Catch reminds. The packet becomes VALIDATED (with its warnings) in the same transaction that opens the task (statusChange), so a packet in clerk review always has its task; a reminder finds it VALIDATED and writes the task alone.",
      step: 'clerk-review',
      title: '$.validation.title',
      facts: '$.validation.facts',
      assignee: fromPath('$.validation.clerk'),
      question: 'Accept this arrest packet for the court, or return it to the agency with a reason?',
      choices: [
        { id: 'accept', label: 'Accept' },
        { id: 'return', label: 'Return to agency', commentRequired: true },
      ],
      // The review's timings travel with its count in $.review.
      reminders: {
        seconds: '$.review.decisionSeconds',
        sent: '$.review.reminder',
        max: '$.review.maxReminders',
        start: { Comment: 'Two days per reminder, two reminders, then a visible end.', Result: CLERK_REVIEW, ResultPath: '$.review' },
        count: {
          Parameters: { 'decisionSeconds.$': '$.review.decisionSeconds', 'maxReminders.$': '$.review.maxReminders', 'reminder.$': 'States.MathAdd($.review.reminder, 1)' },
          ResultPath: '$.review',
        },
      },
      statusChange: statusChange(['RECEIVED'], 'VALIDATED', { 'version.$': '$.version', set: { 'warnings.$': '$.validation.warnings' }, about: described }),
      decided: 'WhatDidTheClerkDecide',
      timedOut: 'RecordReviewTimedOut',
      // Any failure to close (the task not found yet, for one) is tried again; the packet still times out.
      close: { retry: [lambdaServiceRetrier(), retrier(['States.TaskFailed'], 1, 4, 30), retrier(['States.Timeout'], 2, 2)] },
    }),
    {
      RecordReviewTimedOut: record('REVIEW_TIMED_OUT', 'TellAgencyReviewTimedOut', described),
      TellAgencyReviewTimedOut: tellAgency('review-timed-out', 'ClerkReviewTimedOut', [onAnyError('ClerkReviewTimedOut')]),
      ClerkReviewTimedOut: {
        Type: 'Fail',
        Error: 'ClerkReviewTimedOut',
        Cause: 'The court clerk did not decide before the last reminder ran out; the packet is REVIEW_TIMED_OUT and the agency was told',
      },
      WhatDidTheClerkDecide: { Type: 'Choice', Choices: [{ Variable: '$.decision.decision', StringEquals: 'accept', Next: 'RecordAcceptance' }], Default: 'RecordReturn' },
      RecordReturn: record('RETURNED', 'TellAgencyOfReturn', { 'decidedBy.$': '$.decision.decidedBy', 'reason.$': '$.decision.comment', ...described }),
      TellAgencyOfReturn: tellAgency('returned', 'PacketReturned'),
      PacketReturned: { Type: 'Succeed', Comment: "Status RETURNED with the clerk's reason; the agency was told and amends with a new version." },
      RecordAcceptance: record('ACCEPTED', 'TransmitToCms', { 'decidedBy.$': '$.decision.decidedBy', ...described }),
      TransmitToCms: lambdaStep(arrest, {
        comment:
          'No Catch for CMS failures on purpose: when CMS stays down or refuses, the execution fails here, visibly, and RedriveExecution resumes it at this step; the Idempotency-Key (packet version) keeps one copy in CMS.',
        fn: 'TransmitFunctionArn',
        // The state: the packet as stored, carried from the input (the function reads it when it is not there).
        payload: '$',
        keep: { fields: ['docketNumber'], at: '$.cms' },
        timeoutSeconds: 60,
        retry: [retrier(['CmsUnavailable'], 5, 6, 300), ...lambdaRetry(arrest)],
        onError: [superseded],
        next: 'NotifyAgency',
      }),
      NotifyAgency: tellAgency('processed', 'StartAdjudicationWait', arrest.onError, { fields: ['notifiedAt'], at: '$.notice' }),
      StartAdjudicationWait: {
        Type: 'Pass',
        Comment:
          'This is the first execution to wait for the adjudication: the wait makes the packet AVAILABLE (with the docket, and when the agency was told) in the write that registers it, so an AVAILABLE packet always has its wait.',
        Parameters: { generation: 1, available: { 'docketNumber.$': '$.cms.docketNumber', 'agencyNotifiedAt.$': '$.notice.notifiedAt', ...described } },
        ResultPath: '$.wait',
        Next: 'AwaitAdjudication',
      },
      ContinueAdjudicationWait: {
        Type: 'Pass',
        Comment: 'A continued wait: the packet is AVAILABLE already; this execution registers itself as the one waiting.',
        Parameters: { 'generation.$': '$.generation' },
        ResultPath: '$.wait',
        Next: 'AwaitAdjudication',
      },
      AwaitAdjudication: {
        Type: 'Task',
        Comment:
          "Step 7's long wait: the Lambda registers this execution's token (sealed) on the packet (the first wait makes it AVAILABLE in that write); POST /arrests/{id}/adjudication sends it. 300 days, well inside a Standard execution's year; then the wait continues as new.",
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: substitution('AwaitAdjudicationFunctionArn'),
          Payload: { 'taskToken.$': '$$.Task.Token', 'executionArn.$': '$$.Execution.Id', ...packet, 'wait.$': '$.wait' },
        },
        TimeoutSeconds: 25920000,
        ResultPath: '$.adjudication',
        Retry: lambdaRetry(arrest, 'callback'),
        Catch: [onErrors(['States.Timeout'], 'CountContinuation', null), onErrors(['AlreadyAdjudicated'], 'MakeHistorical', null), superseded, onAnyError('StepFailed')],
        Next: 'MakeHistorical',
      },
      CountContinuation: { Type: 'Pass', Parameters: { 'next.$': 'States.MathAdd($.wait.generation, 1)' }, ResultPath: '$.continuation', Next: 'ContinueAsNew' },
      ContinueAsNew: {
        Type: 'Task',
        Comment:
          'Continue-as-new: the same machine, a name derived from the packet version and generation (a retried start is the same execution), and all the state the wait needs.',
        Resource: 'arn:aws:states:::states:startExecution',
        Parameters: {
          StateMachineArn: substitution('ArrestPacketMachineArn'),
          'Name.$': "States.Format('{}-v{}-g{}', $.packetId, $.version, $.continuation.next)",
          Input: { ...packet, 'generation.$': '$.continuation.next', 'previousExecution.$': '$$.Execution.Id' },
        },
        ResultSelector: { 'executionArn.$': '$.ExecutionArn' },
        ResultPath: '$.continuation.started',
        TimeoutSeconds: 30,
        Retry: [retrier(['StepFunctions.ExecutionLimitExceeded', 'StepFunctions.SdkClientException', 'StepFunctions.ServiceUnavailable', 'StepFunctions.ThrottlingException'], 2, 5)],
        Catch: [
          // The continuation started on an earlier try: the wait goes on there.
          onErrors(['StepFunctions.ExecutionAlreadyExistsException', 'StepFunctions.ExecutionAlreadyExists'], 'AdjudicationWaitContinuesAsNew', null),
          onAnyError('StepFailed'),
        ],
        Next: 'AdjudicationWaitContinuesAsNew',
      },
      AdjudicationWaitContinuesAsNew: { Type: 'Succeed', Comment: 'The next execution waits now; the packet names it as waitingExecutionArn.' },
      MakeHistorical: record('HISTORICAL', 'PacketIsHistorical'),
      PacketIsHistorical: { Type: 'Succeed', Comment: 'Adjudicated and archived: status HISTORICAL, still readable.' },
      SupersededByNewerVersion: { Type: 'Succeed', Comment: 'The agency sent a newer version; its own execution carries on.' },
      StepFailed: { Type: 'Fail', Error: 'ArrestPacketStepFailed', CausePath: '$.error.Cause' },
    },
  ),
});
