import { readPath } from '#shared/jsonpath';

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

export type AslState = Readonly<Record<string, unknown>> & { readonly Type: string };

interface Retrier {
  readonly MaxAttempts?: number;
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

export interface StepFacts {
  /** The state input, parsed (for the *Path fields). */
  readonly input?: unknown;
  readonly enteredAt: Date;
  /** What the history's TaskScheduled event says an attempt may take. */
  readonly scheduledTimeoutSeconds?: number;
}

/** The states of a definition by name, with nested Parallel / Map states included. */
export function statesOf(definition: string): Map<string, AslState> {
  const found = new Map<string, AslState>();
  const walk = (states: unknown): void => {
    if (!states || typeof states !== 'object') return;
    for (const [name, state] of Object.entries(states as Record<string, AslState>)) {
      found.set(name, state);
      for (const branch of (state['Branches'] as { States?: unknown }[] | undefined) ?? []) walk(branch.States);
      walk((state['Iterator'] as { States?: unknown } | undefined)?.States);
      walk((state['ItemProcessor'] as { States?: unknown } | undefined)?.States);
    }
  };
  try {
    walk((JSON.parse(definition) as { States?: unknown }).States);
  } catch {
    // A definition that is not JSON has no states to judge by.
  }
  return found;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function pathNumber(state: AslState, field: string, input: unknown): number | undefined {
  const path = state[field];
  if (typeof path !== 'string') return undefined;
  try {
    return num(readPath(path, input));
  } catch {
    return undefined;
  }
}

function attemptSeconds(state: AslState, facts: StepFacts): number {
  const explicit = num(state['TimeoutSeconds']);
  if (explicit !== undefined) return explicit;
  if (typeof state['TimeoutSecondsPath'] === 'string') {
    const fromPath = facts.scheduledTimeoutSeconds ?? pathNumber(state, 'TimeoutSecondsPath', facts.input);
    if (fromPath !== undefined) return fromPath;
  }
  const heartbeat = num(state['HeartbeatSeconds']) ?? pathNumber(state, 'HeartbeatSecondsPath', facts.input);
  if (heartbeat !== undefined) return heartbeat;
  const resource = String(state['Resource'] ?? '');
  return /\.(waitForTaskToken|sync(:2)?)$/.test(resource) ? DEFAULT_CALLBACK_SECONDS : DEFAULT_TASK_SECONDS;
}

/** The longest a Retry's back-offs add up to. */
export function retryBackoffSeconds(retrier: Retrier): number {
  let total = 0;
  for (let n = 0; n < (retrier.MaxAttempts ?? 3); n++) {
    total += Math.min((retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, n), retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
  }
  return total;
}

/** Seconds the step may take at most (grace included), or undefined when it is not judged. */
export function expectedSeconds(state: AslState | undefined, facts: StepFacts): number | undefined {
  if (!state) return undefined;
  switch (state.Type) {
    case 'Task': {
      const attempt = attemptSeconds(state, facts);
      const retriers = (state['Retry'] as Retrier[] | undefined) ?? [];
      const retries = retriers.reduce((sum, r) => sum + (r.MaxAttempts ?? 3), 0);
      return Math.ceil(attempt * (1 + retries) + retriers.reduce((sum, r) => sum + retryBackoffSeconds(r), 0)) + GRACE_SECONDS;
    }
    case 'Wait': {
      const seconds = num(state['Seconds']) ?? pathNumber(state, 'SecondsPath', facts.input);
      if (seconds !== undefined) return Math.ceil(seconds) + GRACE_SECONDS;
      let until: unknown = state['Timestamp'];
      if (typeof state['TimestampPath'] === 'string') {
        try {
          until = readPath(state['TimestampPath'], facts.input);
        } catch {
          until = undefined;
        }
      }
      const at = typeof until === 'string' ? Date.parse(until) : Number.NaN;
      return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - facts.enteredAt.getTime()) / 1000)) + GRACE_SECONDS;
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
