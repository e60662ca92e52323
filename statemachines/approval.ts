/** One human decision on its own (the human step as a machine), generated to approval.asl.json by `npm run asl`. */
import { machine, states, type State } from './asl';
import { fromPath, humanStep, onAnyError, retrier, type Workflow } from './parts';

const approval: Workflow = { name: 'approval', subjectId: '$.subjectId', onError: [onAnyError('DecisionFailed')] };

/** `$.<field>` from the input if present, else `value` (a Choice to the next check and a Pass that sets it). */
const defaulted = (field: string, value: number | [], next: string, names: [check: string, use: string], comment?: string): Record<string, State> => ({
  [names[0]]: { Type: 'Choice', Choices: [{ Variable: `$.${field}`, IsPresent: true, Next: next }], Default: names[1] },
  [names[1]]: { Type: 'Pass', ...(comment ? { Comment: comment } : {}), Result: value, ResultPath: `$.${field}`, Next: next },
});

const outcome = (outcome: string): State => ({ Type: 'Pass', Parameters: { outcome, 'decision.$': '$.decision' }, End: true });

export default machine({
  Comment:
    'One human decision through the shared human-task mechanism: an e-mail with signed links (or the API), reminders when nobody acts, and a visible timed-out end. Input: { subjectId, title, facts?, question, assignee: { role, email, ori? }, decisionSeconds?, maxReminders? }.',
  StartAt: 'HasDecisionTime',
  States: states(
    defaulted('decisionSeconds', 172800, 'HasReminderCount', ['HasDecisionTime', 'UseDefaultDecisionTime'], 'Two days to decide, unless the input says otherwise.'),
    defaulted('maxReminders', 2, 'HasFacts', ['HasReminderCount', 'UseDefaultReminderCount']),
    defaulted('facts', [], 'StartCountingReminders', ['HasFacts', 'UseNoFacts']),
    humanStep(approval, {
      states: { startReminders: 'StartCountingReminders', await: 'AwaitDecision', anyRemindersLeft: 'AnyRemindersLeft', countReminder: 'CountReminder', closeTask: 'CloseUnansweredTask' },
      comment: 'Human tasks have no HeartbeatSeconds: a person does not heartbeat; TimeoutSeconds bounds the wait and the Catch reminds.',
      step: 'decision',
      title: '$.title',
      facts: '$.facts',
      assignee: fromPath('$.assignee'),
      question: fromPath('$.question'),
      choices: [
        { id: 'approve', label: 'Approve' },
        { id: 'reject', label: 'Reject', commentRequired: true },
      ],
      // The count sits at the top of the input, beside the timings the input gave.
      reminders: {
        seconds: '$.decisionSeconds',
        sent: '$.reminder',
        max: '$.maxReminders',
        start: { Result: 0, ResultPath: '$.reminder' },
        count: {
          Comment: 'The same input with one more reminder counted; AwaitDecision then sends the reminder e-mail.',
          Parameters: {
            'subjectId.$': '$.subjectId',
            'title.$': '$.title',
            'facts.$': '$.facts',
            'question.$': '$.question',
            'assignee.$': '$.assignee',
            'decisionSeconds.$': '$.decisionSeconds',
            'maxReminders.$': '$.maxReminders',
            'reminder.$': 'States.MathAdd($.reminder, 1)',
          },
        },
      },
      decided: 'WhatWasDecided',
      timedOut: 'ApprovalTimedOut',
      // The task id of the closed task is kept for whoever reads the execution's history.
      close: { keep: { fields: ['taskId'], at: '$.expired' }, retry: [retrier(['States.ALL'], 1, 3)] },
    }),
    {
      ApprovalTimedOut: { Type: 'Fail', Error: 'ApprovalTimedOut', Cause: 'Nobody decided before the last reminder ran out' },
      WhatWasDecided: { Type: 'Choice', Choices: [{ Variable: '$.decision.decision', StringEquals: 'approve', Next: 'Approved' }], Default: 'Rejected' },
      Approved: outcome('APPROVED'),
      Rejected: outcome('REJECTED'),
      DecisionFailed: { Type: 'Fail', Error: 'DecisionFailed', CausePath: '$.error.Cause' },
    },
  ),
});
