import { allStates, maxAttempts, retryBackoffSeconds, timingSeconds, waitDeadline, type AslState, type Retrier } from '#shared/asl';

export { retryBackoffSeconds, type AslState };

/**
 * How long a step may take before its execution counts as stuck: the most its own definition
 * allows, plus a grace for scheduling. Step Functions enforces every one of these bounds (a
 * timeout fires, a Retry gives up, a Wait ends), so an execution past it is one the service is
 * no longer moving: a lost timer, a task that never answers, a runtime that was down. A person
 * who is slow to decide is not "stuck": the step's timeout sends a reminder, and
 * `GET /ops/tasks?olderThan=` is the view for that.
 *
 * The rule, per state type:
 * - Task: one attempt may take `TimeoutSeconds` (or what `TimeoutSecondsPath` gave, from the
 *   history); without one, `HeartbeatSeconds`; without either, 15 minutes for a plain Task (the
 *   longest a Lambda can run) and 7 days for a callback (`.waitForTaskToken`) or `.sync` Task.
 *   Every `Retry` attempt may take as long again, plus its back-off (IntervalSeconds ×
 *   BackoffRate^n, capped by MaxDelaySeconds; defaults 1 s, 2.0 and 3 attempts, as in AWS).
 * - Wait: `Seconds`, or `SecondsPath` read from the state input, or until `Timestamp` /
 *   `TimestampPath`.
 * - Pass, Choice, Succeed, Fail: no time of their own.
 * - Parallel, Map: not judged (their branches are).
 * The grace, 60 seconds, is added to all of them.
 */
export const GRACE_SECONDS = 60;
export const DEFAULT_TASK_SECONDS = 15 * 60;
export const DEFAULT_CALLBACK_SECONDS = 7 * 24 * 3600;

export interface StepFacts {
  /** The state input, parsed (for the *Path fields). */
  readonly input?: unknown;
  readonly enteredAt: Date;
  /** What the history's TaskScheduled event says an attempt may take. */
  readonly scheduledTimeoutSeconds?: number;
}

/** The states of a definition by name, with nested Parallel / Map states included. */
export function statesOf(definition: string): Map<string, AslState> {
  try {
    return new Map(allStates(JSON.parse(definition)));
  } catch {
    // A definition that is not JSON has no states to judge by.
    return new Map();
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A timing the runtime would read, or undefined where it would fail the state (nothing to judge by then). */
function timing(state: AslState, field: 'TimeoutSeconds' | 'HeartbeatSeconds', input: unknown): number | undefined {
  try {
    return num(timingSeconds(state, field, input));
  } catch {
    return undefined;
  }
}

function attemptSeconds(state: AslState, facts: StepFacts): number {
  const explicit = num(state['TimeoutSeconds']);
  if (explicit !== undefined) return explicit;
  if (typeof state['TimeoutSecondsPath'] === 'string') {
    const fromPath = facts.scheduledTimeoutSeconds ?? timing(state, 'TimeoutSeconds', facts.input);
    if (fromPath !== undefined) return fromPath;
  }
  const heartbeat = timing(state, 'HeartbeatSeconds', facts.input);
  if (heartbeat !== undefined) return heartbeat;
  const resource = String(state['Resource'] ?? '');
  return /\.(waitForTaskToken|sync(:2)?)$/.test(resource) ? DEFAULT_CALLBACK_SECONDS : DEFAULT_TASK_SECONDS;
}

/** Seconds the step may take at most (grace included), or undefined when it is not judged. */
export function expectedSeconds(state: AslState | undefined, facts: StepFacts): number | undefined {
  if (!state) return undefined;
  switch (state.Type) {
    case 'Task': {
      const attempt = attemptSeconds(state, facts);
      const retriers = (state['Retry'] as Retrier[] | undefined) ?? [];
      const retries = retriers.reduce((sum, r) => sum + maxAttempts(r), 0);
      return Math.ceil(attempt * (1 + retries) + retriers.reduce((sum, r) => sum + retryBackoffSeconds(r), 0)) + GRACE_SECONDS;
    }
    case 'Wait': {
      let until: number;
      try {
        until = waitDeadline(state, facts.input, facts.enteredAt.getTime());
      } catch {
        return undefined;
      }
      return Math.max(0, Math.ceil((until - facts.enteredAt.getTime()) / 1000)) + GRACE_SECONDS;
    }
    case 'Pass':
    case 'Choice':
    case 'Succeed':
    case 'Fail':
      return GRACE_SECONDS;
    default:
      return undefined;
  }
}

/** A running execution is stuck when it has been in its state longer than the state allows. */
export function isStuck(expected: number | undefined, since: Date | undefined, now: Date): boolean {
  return expected !== undefined && since !== undefined && (now.getTime() - since.getTime()) / 1000 > expected;
}
