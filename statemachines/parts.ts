/**
 * The named parts the workflows are built from. A part returns plain ASL (see ./asl.ts); the
 * generator (`npm run asl`) writes each machine to its `.asl.json`, which both back-ends load.
 * `${Name}` placeholders are filled by the manifest's `substitutions` at deploy / start-up.
 */
import type { Catcher, ChoiceState, Json, PassState, Payload, Retrier, States, TaskState } from './asl';

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** `${Name}`: a value the manifest substitutes (a function ARN, a table name). */
export const substitution = (name: string): string => `\${${name}}`;

// ---- Retry: each retrier is written here once -------------------------------------------------

/** Exponential back-off (rate 2) with full jitter. */
export function retrier(errors: readonly string[], interval: number, attempts: number, maxDelay?: number): Retrier {
  return { ErrorEquals: errors, IntervalSeconds: interval, MaxAttempts: attempts, BackoffRate: 2, ...(maxDelay === undefined ? {} : { MaxDelaySeconds: maxDelay }), JitterStrategy: 'FULL' };
}

/** Lambda's own transient failures (the invoke did not run the function, or was throttled), plus a workflow's own transient errors. */
export const lambdaServiceRetrier = (extraErrors: readonly string[] = []): Retrier =>
  retrier(['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', ...extraErrors], 1, 3);

/** Throttles and write conflicts of the services a function calls (DynamoDB above all), which the function lets through by their AWS names. */
export const throttleRetrier: Retrier = retrier(['ProvisionedThroughputExceededException', 'ThrottlingException', 'TransactionConflictException', 'InternalServerError', 'TooManyRequestsException'], 1, 4, 30);

/**
 * A Lambda that timed out is retried twice, and so is a plain Task's own timeout: the handlers
 * are idempotent. A function runs out of time in two ways: Lambda ends it (Sandbox.Timedout), or
 * middy ends the invocation 5 ms before that (its timeoutEarly) and the error is `TimeoutError`,
 * which is what Step Functions sees whenever the handler was still waiting (on DynamoDB, say). A callback Task's deadline (States.Timeout) is never
 * retried: it is the designed end of the wait (a reminder, or a visible time-out).
 */
export const timeoutRetrier = (kind: 'plain' | 'callback'): Retrier => retrier(kind === 'plain' ? ['Sandbox.Timedout', 'TimeoutError', 'States.Timeout'] : ['Sandbox.Timedout', 'TimeoutError'], 2, 2);

/** What every step of one workflow shares. */
export interface Workflow {
  /** The workflow's name, as human tasks and their subjects carry it: `access-request`. */
  readonly name: string;
  /** Where the subject's id is in the state input: `$.requestId`. */
  readonly subjectId: string;
  /** Errors of this workflow's own functions that are retried like a Lambda service error. */
  readonly transientErrors?: readonly string[];
  /** Where a step's failure goes, in order (the catch-all last). */
  readonly onError: readonly Catcher[];
}

/** The one Retry policy of a Lambda step in a workflow. */
export const lambdaRetry = (workflow: Workflow, kind: 'plain' | 'callback' = 'plain'): Retrier[] => [lambdaServiceRetrier(workflow.transientErrors), throttleRetrier, timeoutRetrier(kind)];

/** Errors caught and sent to `next`, the error kept at `$.error` (or dropped with `null`). */
export const onErrors = (errors: readonly string[], next: string, resultPath: string | null = '$.error'): Catcher => ({ ErrorEquals: errors, ResultPath: resultPath, Next: next });
export const onAnyError = (next: string): Catcher => onErrors(['States.ALL'], next);

// ---- Steps ------------------------------------------------------------------------------------

export interface LambdaStep {
  readonly comment?: string;
  /** The placeholder of the function's ARN: `PrepareFunctionArn`. */
  readonly fn: string;
  /** What the function is sent; `'$'`: the whole state (what it carries, present or not, without naming a path that may be absent). */
  readonly payload: Payload | '$';
  /** Fields of the function's answer to keep, and where in the state; without it the answer is dropped. */
  readonly keep?: { readonly fields: readonly string[]; readonly at: string };
  /**
   * A fixed value the step leaves in the state at `at` once it succeeded (its answer dropped):
   * what a Pass after it would set (reminder counters started), without that Pass's transition.
   */
  readonly leave?: { readonly value: Payload; readonly at: string };
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** @default lambdaRetry(workflow) */
  readonly retry?: readonly Retrier[];
  /** @default workflow.onError */
  readonly onError?: readonly Catcher[];
  readonly next: string;
}

/** A Lambda invoked as a step, with the workflow's Retry policy and its failure route. */
export function lambdaStep(workflow: Workflow, step: LambdaStep): TaskState {
  return {
    Type: 'Task',
    ...(step.comment === undefined ? {} : { Comment: step.comment }),
    Resource: LAMBDA,
    Parameters: { FunctionName: substitution(step.fn), ...(step.payload === '$' ? { 'Payload.$': '$' } : { Payload: step.payload }) },
    ...(step.keep
      ? { ResultSelector: Object.fromEntries(step.keep.fields.map((f) => [`${f}.$`, `$.Payload.${f}`])), ResultPath: step.keep.at }
      : step.leave
        ? { ResultSelector: step.leave.value, ResultPath: step.leave.at }
        : { ResultPath: null }),
    TimeoutSeconds: step.timeoutSeconds ?? 30,
    Retry: step.retry ?? lambdaRetry(workflow),
    Catch: step.onError ?? workflow.onError,
    Next: step.next,
  };
}

/** A value read from the state input at a JSONPath (where a part otherwise takes one written out). */
class FromPath {
  constructor(readonly path: string) {}
}
export const fromPath = (path: string): FromPath => new FromPath(path);
export type Value = Json | FromPath;
/** `{ key: value }`, or `{ 'key.$': path }` for a value read from the state. */
const field = (key: string, value: Value): Payload => (value instanceof FromPath ? { [`${key}.$`]: value.path } : { [key]: value });

export type TaskChoice = {
  readonly id: string;
  readonly label: string;
  readonly commentRequired?: true;
  /** A page of the API to open instead of deciding from the link, `{subjectId}` filled in. */
  readonly page?: string;
};

/**
 * How a human step counts its reminders: where the wait's length, the reminders sent and the
 * most to send are in the state input, the Pass that starts counting (it may also set the
 * timings) and the Pass that counts one more.
 */
export interface Reminders {
  readonly seconds: string;
  readonly sent: string;
  readonly max: string;
  /** Without it the step has no start state: each state that leads to the wait starts the count itself (`leave`). */
  readonly start?: Omit<PassState, 'Type' | 'Next' | 'End'>;
  readonly count: Omit<PassState, 'Type' | 'Next' | 'End'>;
}

/**
 * Reminders counted at `counter` (`{ n }`), the timings read from the workflow's settings;
 * `started: 'before'` when the states that lead to the wait set the counter to `{ n: 0 }`
 * themselves (no start state of its own).
 */
export const remindersAt = (counter: string, seconds: string, max: string, started: 'here' | 'before' = 'here'): Reminders => ({
  seconds,
  sent: `${counter}.n`,
  max,
  ...(started === 'here' ? { start: { Result: { n: 0 }, ResultPath: counter } } : {}),
  count: { Parameters: { 'n.$': `States.MathAdd(${counter}.n, 1)` }, ResultPath: counter },
});

/** The five states of a human step, by name (the ops console, audit and history read them). */
export interface HumanStepStates {
  readonly startReminders: string;
  readonly await: string;
  readonly anyRemindersLeft: string;
  readonly countReminder: string;
  readonly closeTask: string;
}

/** The access-request names: StartXReminders, AwaitX, AnyXRemindersLeft, CountXReminder, CloseXTask. */
export const humanStepStates = (step: string): HumanStepStates => ({
  startReminders: `Start${step}Reminders`,
  await: `Await${step}`,
  anyRemindersLeft: `Any${step}RemindersLeft`,
  countReminder: `Count${step}Reminder`,
  closeTask: `Close${step}Task`,
});

/** The statusChange a human step asks for: the subject moves in the same transaction that opens the task. */
export const statusChange = (from: readonly string[], to: string, more: Payload = {}): Payload => ({ from, to, ...more });

export interface HumanStep {
  readonly states: HumanStepStates;
  readonly comment: string;
  /** The step's name on the task: `business-need-review`. */
  readonly step: string;
  /** Where the subject's title and facts are, for the e-mail and the task page. */
  readonly title: string;
  readonly facts: string;
  readonly assignee: Value;
  readonly question: Value;
  readonly choices: readonly TaskChoice[];
  readonly reminders: Reminders;
  readonly statusChange?: Payload;
  /** Where the decision goes (it is at `$.decision`). */
  readonly decided: string;
  /** Where the workflow goes once the unanswered task is closed. */
  readonly timedOut: string;
  /** How the task is closed, where that differs from a Lambda step's. */
  readonly close?: Pick<LambdaStep, 'retry' | 'keep'>;
}

/**
 * A person's decision through the shared human-task mechanism (tasks-notify): an e-mail with
 * signed links (or the tasks API), a reminder each time the wait runs out while reminders are
 * left, then the task is closed (tasks-expire) and the workflow goes on, visibly, to `timedOut`.
 * No heartbeat (a person does not heartbeat): the timeout bounds the wait.
 */
export function humanStep(workflow: Workflow, human: HumanStep): States {
  const { states: names, reminders } = human;
  const payload: Payload = {
    'taskToken.$': '$$.Task.Token',
    'executionArn.$': '$$.Execution.Id',
    workflow: workflow.name,
    step: human.step,
    subject: { type: workflow.name, 'id.$': workflow.subjectId, 'title.$': human.title, 'facts.$': human.facts },
    ...field('assignee', human.assignee),
    ...field('question', human.question),
    choices: human.choices,
    'timeoutSeconds.$': reminders.seconds,
    'reminder.$': reminders.sent,
    'maxReminders.$': reminders.max,
    ...(human.statusChange ? { statusChange: human.statusChange } : {}),
  };
  const start = reminders.start;
  const awaitDecision: TaskState = {
    Type: 'Task',
    Comment: human.comment,
    Resource: LAMBDA_CALLBACK,
    Parameters: { FunctionName: substitution('NotifyFunctionArn'), Payload: payload },
    TimeoutSecondsPath: reminders.seconds,
    ResultPath: '$.decision',
    Retry: lambdaRetry(workflow, 'callback'),
    Catch: [onErrors(['States.Timeout'], names.anyRemindersLeft, null), ...workflow.onError],
    Next: human.decided,
  };
  const anyRemindersLeft: ChoiceState = {
    Type: 'Choice',
    Choices: [{ Variable: reminders.sent, NumericLessThanPath: reminders.max, Next: names.countReminder }],
    Default: names.closeTask,
  };
  const countReminder: PassState = { Type: 'Pass', ...reminders.count, Next: names.await };
  const closeTask = lambdaStep(workflow, {
    fn: 'ExpireFunctionArn',
    payload: { workflow: workflow.name, 'subjectId.$': workflow.subjectId, step: human.step },
    ...human.close,
    onError: [onAnyError(human.timedOut)],
    next: human.timedOut,
  });
  return {
    ...(start ? { [names.startReminders]: { Type: 'Pass', ...start, Next: names.await } satisfies PassState } : {}),
    [names.await]: awaitDecision,
    [names.anyRemindersLeft]: anyRemindersLeft,
    [names.countReminder]: countReminder,
    [names.closeTask]: closeTask,
  };
}

// ---- Input defaults and continuation ----------------------------------------------------------

/**
 * `$.<field>` from the input when present, else `value`: a Choice named `names[0]` that goes on
 * to `next`, and a Pass named `names[1]` that sets the default first.
 */
export function defaulted(field: string, value: Json, next: string, names: readonly [check: string, use: string], comment?: string): States {
  return {
    [names[0]]: { Type: 'Choice', Choices: [{ Variable: `$.${field}`, IsPresent: true, Next: next }], Default: names[1] },
    [names[1]]: { Type: 'Pass', ...(comment ? { Comment: comment } : {}), Result: value, ResultPath: `$.${field}`, Next: next },
  };
}

export interface Continuation {
  readonly comment: string;
  /** The placeholder of the machine's own ARN: `SearchCertificationMachineArn`. */
  readonly machine: string;
  /** An intrinsic that names the next execution (the same name on a retried start). */
  readonly name: string;
  readonly input: Payload;
  /** Where the workflow goes once the next execution runs (or was started on an earlier try). */
  readonly next: string;
  readonly onError: string;
}

/**
 * Continue-as-new: the same machine started again under a derived name with the state the rest
 * needs, so a wait longer than a Standard execution's year goes on in the next execution. A start
 * that already happened on an earlier try counts as started.
 */
export function continueAsNew(c: Continuation): TaskState {
  return {
    Type: 'Task',
    Comment: c.comment,
    Resource: 'arn:aws:states:::states:startExecution',
    Parameters: { StateMachineArn: substitution(c.machine), 'Name.$': c.name, Input: c.input },
    ResultSelector: { 'executionArn.$': '$.ExecutionArn' },
    ResultPath: '$.continuation',
    TimeoutSeconds: 30,
    Retry: [retrier(['StepFunctions.ExecutionLimitExceeded', 'StepFunctions.SdkClientException', 'StepFunctions.ServiceUnavailable', 'StepFunctions.ThrottlingException'], 2, 5)],
    Catch: [onErrors(['StepFunctions.ExecutionAlreadyExistsException', 'StepFunctions.ExecutionAlreadyExists'], c.next, null), onAnyError(c.onError)],
    Next: c.next,
  };
}
