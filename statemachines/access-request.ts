/** CCHRS access request (DESIGN 1.1), generated to access-request.asl.json by `npm run asl`. */
import { DEFAULT_SETTINGS } from '../functions/access/domain/workflow';
import { machine, states, type Payload } from './asl';
import { humanStep, humanStepStates, lambdaStep, onAnyError, remindersAt, statusChange, type Workflow } from './parts';

const access: Workflow = { name: 'access-request', subjectId: '$.requestId', transientErrors: ['TransientFailure'], onError: [onAnyError('WorkflowFailed')] };

const HUMAN =
  "A human step through the shared human-task mechanism; no HeartbeatSeconds (a person does not heartbeat), TimeoutSecondsPath bounds the wait and the Catch reminds. The request's status moves in the same transaction that opens the task (statusChange), so a status naming this step always has its task.";

/**
 * The request moves on (access-advance): `event` names what happened, the note is the person's
 * comment. A step that starts a training round (`leave`) moves no status: it only mails, to whom
 * the execution's view names, so it reads nothing.
 */
const advance = (event: string, next: string, note?: string, leave?: { value: Payload; at: string }) =>
  lambdaStep(access, { fn: 'AdvanceFunctionArn', payload: { 'requestId.$': '$.requestId', event, ...(note ? { 'note.$': note } : {}), ...(leave ? { 'view.$': '$.view' } : {}) }, ...(leave ? { leave } : {}), next });

/**
 * A round of the trainings starts (assigned, or assigned again after a missing module): the step
 * that starts it leaves the status the request comes to TRAINING_ASSIGNED from (so the task's
 * opening writes it without reading the request) and both steps' reminder counts at zero (no
 * Pass of their own).
 */
const trainingRound = (from: string) => ({ value: { from: [from], attestation: { n: 0 }, verification: { n: 0 } }, at: '$.training' });

/** A step of the request's own functions that reads the request and answers with `fields`. */
const check = (fn: string, fields: string[], at: string, next: string) => lambdaStep(access, { fn, payload: { 'requestId.$': '$.requestId' }, keep: { fields, at }, next });

const subject = { title: '$.view.title', facts: '$.view.facts' };
const unit: Payload = { role: 'unit', 'email.$': '$.view.unitEmail' };

export default machine({
  Comment:
    'CCHRS access request (DESIGN 1.1): unit review of the business need, two trainings on CJIS Online attested by the agency and verified by the unit, the account with a 24-hour temporary password. Input: { requestId, settings?, view?, reissue? }.',
  StartAt: 'WhereDoesTheRequestStart',
  States: states(
    {
      WhereDoesTheRequestStart: {
        Type: 'Choice',
        Comment:
          'A reissue after an expired temporary password starts again at the account step. A new request carries its settings and what its human steps show (create puts them in the input); an input without them gets them first.',
        Choices: [
          { And: [{ Variable: '$.reissue', IsPresent: true }, { Variable: '$.reissue', BooleanEquals: true }], Next: 'IssueTemporaryPassword' },
          { Not: { Variable: '$.settings', IsPresent: true }, Next: 'UseDefaultSettings' },
          { Not: { Variable: '$.view', IsPresent: true }, Next: 'LoadRequest' },
        ],
        Default: 'StartBusinessNeedReviewReminders',
      },
      UseDefaultSettings: {
        Type: 'Pass',
        Comment:
          'How long each human step waits and how often it reminds: the unit a week (2 reminders); the agency 10 days (2 reminders), so an unattested request expires after 30 days.',
        Result: DEFAULT_SETTINGS,
        ResultPath: '$.settings',
        Next: 'WhereDoesTheRequestStart',
      },
      LoadRequest: lambdaStep(access, {
        fn: 'PrepareFunctionArn',
        payload: { 'requestId.$': '$.requestId' },
        keep: { fields: ['title', 'facts', 'unitEmail', 'agencyEmail', 'ori'], at: '$.view' },
        next: 'StartBusinessNeedReviewReminders',
      }),
    },
    humanStep(access, {
      states: humanStepStates('BusinessNeedReview'),
      comment: HUMAN,
      step: 'business-need-review',
      ...subject,
      assignee: unit,
      question: 'Does this employee have a legitimate business need for access to criminal history record information?',
      choices: [
        { id: 'approve', label: 'Approve: assign the trainings' },
        { id: 'deny', label: 'Deny', commentRequired: true },
      ],
      reminders: remindersAt('$.reminder', '$.settings.reviewSeconds', '$.settings.reviewReminders'),
      statusChange: statusChange(['RECEIVED'], 'UNDER_REVIEW', { note: 'the unit’s review task is open' }),
      decided: 'WasNeedApproved',
      timedOut: 'ExpireRequest',
    }),
    {
      WasNeedApproved: { Type: 'Choice', Choices: [{ Variable: '$.decision.decision', StringEquals: 'approve', Next: 'AssignTrainings' }], Default: 'DenyRequest' },
      DenyRequest: advance('denied', 'RequestDenied', '$.decision.comment'),
      RequestDenied: { Type: 'Succeed', Comment: 'The request ends DENIED; the agency was told why.' },
      AssignTrainings: advance('training-assigned', 'AwaitTrainingAttestation', undefined, trainingRound('UNDER_REVIEW')),
    },
    humanStep(access, {
      states: humanStepStates('TrainingAttestation'),
      comment: HUMAN,
      step: 'training-attestation',
      ...subject,
      assignee: { role: 'agency-admin', 'email.$': '$.view.agencyEmail', 'ori.$': '$.view.ori' },
      question: 'Has the employee completed both trainings on CJIS Online?',
      choices: [{ id: 'attest', label: 'Both trainings are complete on CJIS Online' }],
      reminders: remindersAt('$.training.attestation', '$.settings.attestationSeconds', '$.settings.attestationReminders', 'before'),
      statusChange: { 'from.$': '$.training.from', to: 'TRAINING_ASSIGNED', 'note.$': '$.decision.comment' },
      decided: 'AwaitTrainingVerification',
      timedOut: 'ExpireRequest',
    }),
    humanStep(access, {
      states: humanStepStates('TrainingVerification'),
      comment: HUMAN,
      step: 'training-verification',
      ...subject,
      assignee: unit,
      question: 'Verify both trainings on CJIS Online and record each completion (date and record id)',
      choices: [
        { id: 'verified', label: 'Both verified on CJIS Online', page: '/access-requests/{subjectId}/training-evidence' },
        { id: 'missing-module', label: 'A module is missing', commentRequired: true },
      ],
      reminders: remindersAt('$.training.verification', '$.settings.verificationSeconds', '$.settings.verificationReminders', 'before'),
      statusChange: statusChange(['TRAINING_ASSIGNED'], 'TRAINING_VERIFICATION', { note: 'the agency attested both trainings on CJIS Online' }),
      decided: 'WasTrainingVerified',
      timedOut: 'ExpireRequest',
    }),
    {
      WasTrainingVerified: {
        Type: 'Choice',
        Comment:
          "'verified' reaches the workflow only with each module's CJIS Online completion record on the request: every channel's decision is refused until then (the tasks' readiness check), so nothing here checks it again.",
        Choices: [{ Variable: '$.decision.decision', StringEquals: 'verified', Next: 'IssueTemporaryPassword' }],
        Default: 'ReportMissingModules',
      },
      ReportMissingModules: advance('missing-modules', 'AwaitTrainingAttestation', '$.decision.comment', trainingRound('TRAINING_VERIFICATION')),
      IssueTemporaryPassword: lambdaStep(access, {
        comment:
          'Creates the account and e-mails the temporary password; the password itself never enters the workflow. It gets the whole state: a first issue takes the employee and the agency from the view (reading nothing); a reissue has no view and reads the request.',
        fn: 'IssuePasswordFunctionArn',
        payload: '$',
        keep: { fields: ['temporaryPasswordExpiresAt'], at: '$.account' },
        next: 'WaitForTemporaryPasswordExpiry',
      }),
      WaitForTemporaryPasswordExpiry: { Type: 'Wait', TimestampPath: '$.account.temporaryPasswordExpiresAt', Next: 'CheckFirstLogin' },
      CheckFirstLogin: check('CheckActivationFunctionArn', ['active'], '$.activation', 'WasFirstLoginDone'),
      WasFirstLoginDone: { Type: 'Choice', Choices: [{ Variable: '$.activation.active', BooleanEquals: true, Next: 'AccessActive' }], Default: 'TemporaryPasswordExpired' },
      AccessActive: { Type: 'Succeed', Comment: 'The employee logged in and set a password: ACTIVE.' },
      TemporaryPasswordExpired: { Type: 'Succeed', Comment: 'Unused for 24 hours: PASSWORD_EXPIRED; the employee and agency were told, and the unit may reissue.' },
      ExpireRequest: advance('request-expired', 'RequestExpired'),
      RequestExpired: { Type: 'Succeed', Comment: 'Nobody acted before the last reminder ran out: REQUEST_EXPIRED; the agency was told.' },
      WorkflowFailed: { Type: 'Fail', Error: 'AccessRequestFailed', CausePath: '$.error.Cause' },
    },
  ),
});
