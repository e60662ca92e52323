import type { TimelineStep } from '../contract';
import { redactCause, redactJson, type RedactMode } from './redact';

/**
 * The fields of a Step Functions history event the timeline reads: the SDK's `HistoryEvent`
 * fits it, and so does the JSON the local runtime stores, so this module needs no AWS import.
 */
export interface HistoryEventLike {
  readonly id?: number;
  readonly type?: string;
  readonly timestamp?: Date;
  readonly stateEnteredEventDetails?: { readonly name?: string; readonly input?: string };
  readonly stateExitedEventDetails?: { readonly name?: string; readonly output?: string };
  readonly taskScheduledEventDetails?: { readonly timeoutInSeconds?: number; readonly heartbeatInSeconds?: number };
}

/** One step of the timeline with the facts the stuck rule needs, before redaction. */
export interface StepRecord {
  readonly state: string;
  readonly type: string;
  readonly enteredAt: Date;
  leftAt?: Date;
  /** Task attempts scheduled in this step (the first plus retries). */
  attempts: number;
  error?: string;
  cause?: string;
  readonly input?: string;
  output?: string;
  scheduledTimeoutSeconds?: number;
}

const ENTERED = /^(\w+?)StateEntered$/;
const EXITED = /^(\w+?)StateExited$/;
/** Events that start an attempt of a Task (Lambda-style, service, activity). */
const ATTEMPT = /^(Task|LambdaFunction|Activity)Scheduled$/;
/** Events that say an attempt or a state failed; execution-level ones are the execution's own. */
const FAILURE = /^(?!Execution)\w*(Failed|TimedOut|StartFailed|SubmitFailed|ScheduleFailed)$/;

function detailsOf(event: HistoryEventLike): Record<string, unknown> | undefined {
  // Each event type has its own `<type>EventDetails` field; failures all carry error and cause.
  for (const [key, value] of Object.entries(event as Record<string, unknown>)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') return value as Record<string, unknown>;
  }
  return undefined;
}

/** The steps of a history (events in any order; they are sorted by id). */
export function stepsOf(events: readonly HistoryEventLike[]): StepRecord[] {
  const sorted = [...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const steps: StepRecord[] = [];
  let open: StepRecord | undefined;
  for (const event of sorted) {
    const type = event.type ?? '';
    const at = event.timestamp instanceof Date ? event.timestamp : new Date(Number(event.timestamp ?? 0));
    const entered = ENTERED.exec(type);
    if (entered) {
      open = { state: event.stateEnteredEventDetails?.name ?? '?', type: entered[1] ?? 'Task', enteredAt: at, attempts: 0, input: event.stateEnteredEventDetails?.input };
      steps.push(open);
      continue;
    }
    if (EXITED.test(type)) {
      const name = event.stateExitedEventDetails?.name;
      const step = [...steps].reverse().find((s) => s.state === name && s.leftAt === undefined);
      if (step) {
        step.leftAt = at;
        step.output = event.stateExitedEventDetails?.output;
      }
      if (open === step) open = undefined;
      continue;
    }
    if (!open) continue;
    if (ATTEMPT.test(type)) {
      open.attempts++;
      const timeout = event.taskScheduledEventDetails?.timeoutInSeconds;
      if (typeof timeout === 'number') open.scheduledTimeoutSeconds = timeout;
      // A new attempt clears the last one's failure: only a failure that stands is shown.
      open.error = undefined;
      open.cause = undefined;
    } else if (FAILURE.test(type)) {
      const details = detailsOf(event);
      open.error = typeof details?.['error'] === 'string' ? details['error'] : type;
      open.cause = typeof details?.['cause'] === 'string' ? details['cause'] : undefined;
    }
  }
  return steps;
}

/** The steps as operators see them: durations, retries, and data redacted unless revealed. */
export function timelineOf(steps: readonly StepRecord[], mode: RedactMode): TimelineStep[] {
  return steps.map((s) => ({
    state: s.state,
    type: s.type,
    enteredAt: s.enteredAt.toISOString(),
    ...(s.leftAt ? { leftAt: s.leftAt.toISOString(), durationMs: s.leftAt.getTime() - s.enteredAt.getTime() } : {}),
    retries: Math.max(0, s.attempts - 1),
    ...(s.error !== undefined ? { error: s.error, cause: redactCause(s.cause, mode) } : {}),
    input: redactJson(s.input, mode),
    ...(s.output !== undefined ? { output: redactJson(s.output, mode) } : {}),
  }));
}

/**
 * The state an execution is in now (running) or stopped in (failed, timed out, aborted): the
 * last one entered. A state a Catch left shows its failure in the timeline; the execution's
 * own error names what ended it.
 */
export function currentStep(steps: readonly StepRecord[]): StepRecord | undefined {
  return steps.at(-1);
}

/** The execution's failure, from its last event of that kind (the history's word over Describe's). */
export function executionFailure(events: readonly HistoryEventLike[]): { error?: string; cause?: string } | undefined {
  const last = [...events].sort((a, b) => (b.id ?? 0) - (a.id ?? 0)).find((e) => /^Execution(Failed|TimedOut|Aborted)$/.test(e.type ?? ''));
  if (!last) return undefined;
  const details = detailsOf(last);
  return { error: typeof details?.['error'] === 'string' ? details['error'] : undefined, cause: typeof details?.['cause'] === 'string' ? details['cause'] : undefined };
}
