/**
 * Diagnostics: one run through every kind of step the workflows use, generated to
 * diagnostics.asl.json by `npm run asl`. Its steps call services directly and retry each its
 * own way on purpose: the run proves each kind of step and Retry works on the back-end.
 */
import { machine, type Payload, type Retrier, type TaskState } from './asl';
import { lambdaServiceRetrier, lambdaStep, onAnyError, onErrors, retrier, substitution, timeoutRetrier, type Workflow } from './parts';

const diagnostics: Workflow = { name: 'diagnostics', subjectId: '$$.Execution.Name', onError: [onAnyError('RecordRunFailed')] };

const runKey: Payload = { pk: { 'S.$': "States.Format('DIAG#{}', $$.Execution.Name)" }, sk: { S: 'RUN' } };
const dynamoRetrier = retrier(['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.ThrottlingException', 'DynamoDB.InternalServerErrorException', 'DynamoDB.SdkClientException'], 1, 4);

/** An update of the run's record in the table (its `#status` and more); the caller adds where it goes. */
const updateRun = (update: string, values: Payload, retry: Retrier): Omit<TaskState, 'Next' | 'End'> => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::dynamodb:updateItem',
  Parameters: { TableName: substitution('TableName'), Key: runKey, UpdateExpression: update, ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: values },
  ResultPath: null,
  TimeoutSeconds: 10,
  Retry: [retry],
});

const runId = { 'runId.$': '$$.Execution.Name' };

export default machine({
  Comment:
    'Diagnostics: one run through every kind of step the workflows use (Lambda, DynamoDB, a human-style callback, a Wait, Retry and Catch, SES, EventBridge). Input: { reportTo, failuresBeforeSuccess }.',
  StartAt: 'RecordRunStarted',
  TimeoutSeconds: 86400,
  States: {
    RecordRunStarted: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Parameters: { TableName: substitution('TableName'), Item: { ...runKey, status: { S: 'STARTED' }, reportTo: { 'S.$': '$.reportTo' } } },
      ResultPath: null,
      TimeoutSeconds: 10,
      Retry: [dynamoRetrier],
      Catch: diagnostics.onError,
      Next: 'CheckSystem',
    },
    CheckSystem: lambdaStep(diagnostics, {
      fn: 'CheckFunctionArn',
      payload: { ...runId, 'failuresBeforeSuccess.$': '$.failuresBeforeSuccess' },
      keep: { fields: ['attempts', 'checkedAt'], at: '$.check' },
      retry: [retrier(['DiagnosticsTransientError'], 2, 3), lambdaServiceRetrier(), timeoutRetrier('plain')],
      next: 'AwaitOperatorAcknowledgement',
    }),
    AwaitOperatorAcknowledgement: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: substitution('ParkFunctionArn'), Payload: { ...runId, 'taskToken.$': '$$.Task.Token' } },
      ResultPath: '$.acknowledgement',
      TimeoutSeconds: 7200,
      HeartbeatSeconds: 3600,
      Retry: [lambdaServiceRetrier(), timeoutRetrier('callback')],
      Catch: [onErrors(['States.Timeout', 'States.HeartbeatTimeout'], 'RecordRunFailed'), onAnyError('RecordRunFailed')],
      Next: 'CoolDown',
    },
    CoolDown: { Type: 'Wait', Seconds: 3600, Next: 'SendReport' },
    SendReport: lambdaStep(diagnostics, {
      fn: 'NotifyFunctionArn',
      payload: { ...runId, 'reportTo.$': '$.reportTo', 'attempts.$': '$.check.attempts', 'acknowledgedBy.$': '$.acknowledgement.by' },
      keep: { fields: ['messageId'], at: '$.report' },
      retry: [lambdaServiceRetrier(['EmailThrottled']), timeoutRetrier('plain')],
      next: 'PublishRunCompleted',
    }),
    PublishRunCompleted: {
      Type: 'Task',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: {
        Entries: [
          {
            EventBusName: substitution('EventBusName'),
            Source: 'ciss.diagnostics',
            DetailType: 'DiagnosticsCompleted',
            Detail: { version: '1', ...runId, 'attempts.$': '$.check.attempts', 'reportMessageId.$': '$.report.messageId' },
          },
        ],
      },
      ResultPath: null,
      TimeoutSeconds: 10,
      Retry: [retrier(['EventBridge.InternalException', 'EventBridge.ThrottlingException', 'EventBridge.SdkClientException'], 1, 3)],
      Catch: diagnostics.onError,
      Next: 'RecordRunSucceeded',
    },
    RecordRunSucceeded: {
      ...updateRun('SET #status = :succeeded, attempts = :attempts', { ':succeeded': { S: 'SUCCEEDED' }, ':attempts': { 'N.$': "States.Format('{}', $.check.attempts)" } }, dynamoRetrier),
      Catch: diagnostics.onError,
      End: true,
    },
    // Every error is retried; once it gives up there is nowhere left to catch it (the run fails either way).
    RecordRunFailed: {
      ...updateRun('SET #status = :failed, failure = :error', { ':failed': { S: 'FAILED' }, ':error': { 'S.$': '$.error.Error' } }, retrier(['States.ALL'], 1, 4)),
      Next: 'DiagnosticsFailed',
    },
    DiagnosticsFailed: { Type: 'Fail', Error: 'DiagnosticsFailed', CausePath: '$.error.Cause' },
  },
});
