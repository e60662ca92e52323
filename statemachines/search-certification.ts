/** CISS Search certification (issue 17), generated to search-certification.asl.json by `npm run asl`. */
import { machine, states } from './asl';
import { continueAsNew, defaulted, humanStep, humanStepStates, lambdaStep, onAnyError, remindersAt, type Workflow } from './parts';

const certification: Workflow = { name: 'search-certification', subjectId: '$.certificationId', transientErrors: ['TransientFailure'], onError: [onAnyError('WorkflowFailed')] };

/** The certification moves on (search-certification-advance) and the employee and agency are told. */
const advance = (event: string, next: string, more: Record<string, number> = {}) =>
  lambdaStep(certification, { fn: 'AdvanceFunctionArn', payload: { 'certificationId.$': '$.certificationId', event, ...more }, next });

/** A step of the certification's own functions that answers with `fields`, kept at `at`. */
const check = (fn: string, fields: string[], at: string, next: string, comment?: string) =>
  lambdaStep(certification, { ...(comment ? { comment } : {}), fn, payload: { 'certificationId.$': '$.certificationId' }, keep: { fields, at }, next });

const wait = (comment: string, timestamp: string, next: string) => ({ Type: 'Wait' as const, Comment: comment, TimestampPath: timestamp, Next: next });

export default machine({
  Comment:
    'CISS Search certification (issue 17): CISS Search User Training assigned, the certification exam (the provider’s callback or the unit’s entry) with retakes by the configured rules, the search role granted with a year’s expiry, reminders 30 and 7 days before, and the lapse that suspends the role. Input: { certificationId, settings?, renewal?, grant? }.',
  StartAt: 'IsRenewal',
  States: states(
    {
      IsRenewal: {
        Type: 'Choice',
        Comment: 'The year after the grant runs in a continuation of this execution (a Standard execution lasts at most a year).',
        Choices: [{ And: [{ Variable: '$.renewal', IsPresent: true }, { Variable: '$.renewal', BooleanEquals: true }], Next: 'WaitUntil30DaysBeforeExpiry' }],
        Default: 'HasSettings',
      },
    },
    defaulted('settings', { examSeconds: 1209600, examReminders: 2 }, 'LoadCertification', ['HasSettings', 'UseDefaultSettings'], 'The unit is reminded of a missing exam result every two weeks, twice: no result in six weeks ends the request.'),
    {
      LoadCertification: lambdaStep(certification, {
        fn: 'PrepareFunctionArn',
        payload: { 'certificationId.$': '$.certificationId' },
        keep: { fields: ['title', 'facts', 'unitEmail', 'ori'], at: '$.view' },
        next: 'AssignSearchTraining',
      }),
      AssignSearchTraining: advance('training-assigned', 'StartExamResultReminders'),
    },
    humanStep(certification, {
      states: humanStepStates('ExamResult'),
      comment:
        'The exam result through the shared human-task mechanism: the training provider’s callback or the unit’s entry (POST /search-certifications/{id}/exam-results) records the attempt and decides this task; the unit is reminded while none has come.',
      step: 'exam',
      title: '$.view.title',
      facts: '$.view.facts',
      assignee: { role: 'unit', 'email.$': '$.view.unitEmail' },
      question: 'Record the CISS Search certification exam result (score, date, attempt id) if the training provider has not sent it',
      choices: [{ id: 'recorded', label: 'The exam result is recorded' }],
      reminders: remindersAt('$.reminder', '$.settings.examSeconds', '$.settings.examReminders'),
      decided: 'ReadExamOutcome',
      timedOut: 'ExpireRequest',
    }),
    {
      ReadExamOutcome: check('ExamOutcomeFunctionArn', ['outcome'], '$.exam', 'WhatDidTheExamShow', 'Whichever channel decided the task, the recorded attempt says what follows.'),
      WhatDidTheExamShow: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.exam.outcome', StringEquals: 'passed', Next: 'GrantSearchRole' },
          { Variable: '$.exam.outcome', StringEquals: 'retake', Next: 'AnnounceRetake' },
          { Variable: '$.exam.outcome', StringEquals: 'exhausted', Next: 'AnnounceAttemptsExhausted' },
        ],
        Default: 'StartExamResultReminders',
      },
      AnnounceRetake: advance('retake-allowed', 'StartExamResultReminders'),
      AnnounceAttemptsExhausted: advance('attempts-exhausted', 'AttemptsExhausted'),
      AttemptsExhausted: { Type: 'Succeed', Comment: 'Every attempt allowed was below the pass mark: ATTEMPTS_EXHAUSTED; the employee and agency were told.' },
      GrantSearchRole: check('GrantFunctionArn', ['expiresAt', 'remind30At', 'remind7At'], '$.grant', 'ContinueRenewalAsNew', 'The search role with the certification’s expiry: the Cognito group in AWS, the local user store at home.'),
      ContinueRenewalAsNew: continueAsNew({
        comment: 'The year of the certification runs in a new execution named by it (a retried start is the same one).',
        machine: 'SearchCertificationMachineArn',
        name: "States.Format('{}-renewal', $.certificationId)",
        input: { 'certificationId.$': '$.certificationId', renewal: true, 'grant.$': '$.grant' },
        next: 'CertifiedRenewalContinues',
        onError: 'WorkflowFailed',
      }),
      CertifiedRenewalContinues: { Type: 'Succeed', Comment: 'CERTIFIED: the renewal reminders and the lapse wait in the continuation.' },
      WaitUntil30DaysBeforeExpiry: wait('The first renewal reminder, 30 days before the certification expires.', '$.grant.remind30At', 'RemindRenewal30Days'),
      RemindRenewal30Days: advance('renewal-reminder', 'WaitUntil7DaysBeforeExpiry', { daysLeft: 30 }),
      WaitUntil7DaysBeforeExpiry: wait('The last renewal reminder, 7 days before.', '$.grant.remind7At', 'RemindRenewal7Days'),
      RemindRenewal7Days: advance('renewal-reminder', 'WaitUntilExpiry', { daysLeft: 7 }),
      WaitUntilExpiry: wait('The certification’s last day.', '$.grant.expiresAt', 'LapseCertification'),
      LapseCertification: check('LapseFunctionArn', ['status'], '$.lapse', 'CertificationLapsed', 'Not renewed: the search role is suspended; the account stays.'),
      CertificationLapsed: { Type: 'Succeed', Comment: 'LAPSED: the search role is suspended until a renewal; the employee and agency were told.' },
      ExpireRequest: advance('request-expired', 'RequestExpired'),
      RequestExpired: { Type: 'Succeed', Comment: 'No exam result came before the last reminder ran out: REQUEST_EXPIRED; the employee and agency were told.' },
      WorkflowFailed: { Type: 'Fail', Error: 'SearchCertificationFailed', CausePath: '$.error.Cause' },
    },
  ),
});
