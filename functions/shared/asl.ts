/**
 * The Amazon States Language rules that more than one reader of a state machine needs, written
 * once: the local runtime (which runs them), the ops domain (which judges how long a step may
 * take), the CDK (which fills placeholders) and the state machine test harness. A leaf module:
 * it imports nothing, so application code and `infra/` may both use it.
 *
 * - `${Placeholder}`s, as `DefinitionSubstitutions` fills them;
 * - reference paths (`$.a.b[0]`), as `*Path` fields read the state input;
 * - `TimeoutSeconds(Path)` / `HeartbeatSeconds(Path)` and a Wait state's deadline;
 * - Retry: defaults, back-off, and which retrier or catcher takes an error;
 * - every state of a definition, nested Parallel branches and Map processors included.
 */

/** A state as written: its `Type` and whatever else the States Language gives it. */
export type AslState = Readonly<Record<string, unknown>> & { readonly Type: string };

// ---- placeholders ------------------------------------------------------------------------

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;
const WHOLE_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`);

/** Every `${Name}` placeholder in a text, once each, in order of first appearance. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/** The text with each `${Name}` replaced by what `replace` gives for it. */
export function replacePlaceholders(text: string, replace: (name: string, whole: string) => string): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => replace(name, whole));
}

/** The placeholder's name when the whole value is one placeholder (`"${TableName}"`), else undefined. */
export function wholePlaceholder(value: string): string | undefined {
  return WHOLE_PLACEHOLDER.exec(value)?.[1];
}

// ---- reference paths ---------------------------------------------------------------------

/**
 * Reads a reference path (`$.a.b[0]`, `$['x']`) as the States Language allows in
 * `TimeoutSecondsPath`, `HeartbeatSecondsPath`, `SecondsPath` and `TimestampPath`: the fields
 * the local runtime evaluates itself because it, not the engine, owns time.
 */
export function readPath(path: string, value: unknown): unknown {
  if (!path.startsWith('$')) throw new Error(`Not a reference path: ${path}`);
  const segments = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g)];
  if (segments.map((m) => m[0]).join('') !== path.slice(1)) throw new Error(`Not a reference path: ${path}`);
  let current: unknown = value;
  for (const [, dotted, index, quoted] of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = dotted ?? quoted ?? Number(index);
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** What Step Functions raises when a definition's field cannot be used at run time: no Retry or Catch takes it. */
export class StatesRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'States.Runtime';
  }
}

/**
 * A Task's `TimeoutSeconds` or `HeartbeatSeconds`, written or read by its `…Path` from the state
 * input; undefined when the state has neither. A path must give a positive integer, else the
 * state fails with States.Runtime, as in AWS.
 */
export function timingSeconds(state: AslState, field: 'TimeoutSeconds' | 'HeartbeatSeconds', input: unknown): number | undefined {
  const direct = state[field];
  if (typeof direct === 'number') return direct;
  const path = state[`${field}Path`];
  if (typeof path !== 'string') return undefined;
  const value = readPath(path, input);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new StatesRuntimeError(`${field}Path ${path} is ${JSON.stringify(value) ?? 'undefined'}, not a positive integer`);
  }
  return value;
}

/** When a Wait state entered at `enteredAt` (epoch ms) ends, epoch ms; States.Runtime when its field cannot be read. */
export function waitDeadline(state: AslState, input: unknown, enteredAt: number): number {
  if (typeof state['Seconds'] === 'number') return enteredAt + state['Seconds'] * 1000;
  if (typeof state['Timestamp'] === 'string') return timestampMs(state['Timestamp'], 'Timestamp');
  if (typeof state['SecondsPath'] === 'string') {
    const seconds = readPath(state['SecondsPath'], input);
    if (typeof seconds !== 'number' || seconds < 0) throw new StatesRuntimeError(`SecondsPath ${state['SecondsPath']} must resolve to a non-negative number`);
    return enteredAt + seconds * 1000;
  }
  if (typeof state['TimestampPath'] === 'string') return timestampMs(readPath(state['TimestampPath'], input), `TimestampPath ${state['TimestampPath']}`);
  throw new StatesRuntimeError('A Wait state needs Seconds, Timestamp, SecondsPath or TimestampPath');
}

function timestampMs(value: unknown, field: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new StatesRuntimeError(`${field} must resolve to an RFC 3339 timestamp`);
  return ms;
}

// ---- Retry and Catch ---------------------------------------------------------------------

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

/** AWS's defaults for a retrier's fields left out. */
export const RETRY_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 } as const;

/** How many retries a retrier allows. */
export function maxAttempts(retrier: Pick<Retrier, 'MaxAttempts'>): number {
  return retrier.MaxAttempts ?? RETRY_DEFAULTS.MaxAttempts;
}

/**
 * The pause before retry number `retry` (0 for the first): IntervalSeconds × BackoffRate^retry,
 * capped by MaxDelaySeconds. Seconds, before any jitter (FULL jitter takes a random share of it).
 */
export function retryDelaySeconds(retrier: Omit<Retrier, 'ErrorEquals'>, retry: number): number {
  const base = (retrier.IntervalSeconds ?? RETRY_DEFAULTS.IntervalSeconds) * Math.pow(retrier.BackoffRate ?? RETRY_DEFAULTS.BackoffRate, retry);
  return Math.min(base, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
}

/** The longest a retrier's back-offs add up to, every retry taken. */
export function retryBackoffSeconds(retrier: Omit<Retrier, 'ErrorEquals'>): number {
  let total = 0;
  for (let retry = 0; retry < maxAttempts(retrier); retry++) total += retryDelaySeconds(retrier, retry);
  return total;
}

/** Whether an `ErrorEquals` list takes an error: by name, `States.ALL`, or `States.TaskFailed` (every error but a timeout). */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  const timeout = error === 'States.Timeout' || error === 'States.HeartbeatTimeout';
  return errorEquals.some((e) => e === error || e === 'States.ALL' || (e === 'States.TaskFailed' && !timeout));
}

/** The index of the first retrier or catcher that takes an error (the first match wins, as in AWS), or -1. */
export function firstMatch(list: readonly { readonly ErrorEquals: readonly string[] }[] | undefined, error: string): number {
  return (list ?? []).findIndex((r) => errorMatches(r.ErrorEquals, error));
}

// ---- states ------------------------------------------------------------------------------

/** Every state of a definition (parsed), by name, including those inside Parallel branches and Map processors. */
export function allStates(definition: unknown): [string, AslState][] {
  const found: [string, AslState][] = [];
  const visit = (machine: unknown): void => {
    if (machine === null || typeof machine !== 'object') return;
    const states = (machine as { States?: unknown }).States;
    if (states === null || typeof states !== 'object') return;
    for (const [name, state] of Object.entries(states as Record<string, unknown>)) {
      if (state === null || typeof state !== 'object' || typeof (state as AslState).Type !== 'string') continue;
      const s = state as AslState;
      found.push([name, s]);
      if (Array.isArray(s['Branches'])) for (const branch of s['Branches']) visit(branch);
      visit(s['ItemProcessor'] ?? s['Iterator']);
    }
  };
  visit(definition);
  return found;
}
