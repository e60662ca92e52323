/**
 * The part of Amazon States Language the workflows are written in (JSONPath only), as types, and
 * `machine()`, which checks that every transition names a state before a definition is written
 * out. This module imports nothing: the generator, the application and infra may all read it.
 */

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Parameters, Payload, Result: a JSON object whose `key.$` fields are JSONPaths. */
export type Payload = { readonly [key: string]: Json };

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy: 'FULL';
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly ResultPath: string | null;
  readonly Next: string;
}

/** Where a state goes next: another state by name, or the end of the execution. */
type Transition = { readonly Next: string; readonly End?: never } | { readonly End: true; readonly Next?: never };

export type TaskState = {
  readonly Type: 'Task';
  readonly Comment?: string;
  readonly Resource: string;
  readonly Parameters?: Payload;
  readonly ResultSelector?: Payload;
  readonly ResultPath?: string | null;
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly HeartbeatSeconds?: number;
  readonly Retry: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
} & Transition;

export type PassState = {
  readonly Type: 'Pass';
  readonly Comment?: string;
  readonly Result?: Json;
  readonly Parameters?: Payload;
  readonly ResultPath?: string | null;
} & Transition;

/** One rule of a Choice state: a comparison (`Variable` and an operator, or `And`/`Or`) and where it leads. */
export type ChoiceRule = Payload & { readonly Next: string };

export interface ChoiceState {
  readonly Type: 'Choice';
  readonly Comment?: string;
  readonly Choices: readonly ChoiceRule[];
  readonly Default: string;
}

export type WaitState = { readonly Type: 'Wait'; readonly Seconds?: number; readonly TimestampPath?: string } & Transition;

export interface SucceedState {
  readonly Type: 'Succeed';
  readonly Comment?: string;
}

export interface FailState {
  readonly Type: 'Fail';
  readonly Error: string;
  readonly Cause?: string;
  readonly CausePath?: string;
}

export type State = TaskState | PassState | ChoiceState | WaitState | SucceedState | FailState;
export type States = Readonly<Record<string, State>>;

export interface Machine {
  readonly Comment: string;
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: States;
}

/**
 * The States of a machine from groups (a part such as a human step gives several): a name given
 * twice is an error, where an object spread would let the later state replace the earlier.
 */
export function states(...groups: States[]): States {
  const all: Record<string, State> = {};
  for (const group of groups) {
    for (const [name, state] of Object.entries(group)) {
      if (Object.hasOwn(all, name)) throw new Error(`Two states are named ${name}`);
      all[name] = state;
    }
  }
  return all;
}

/** Every state a state names as where to go: Next, Default, each Choice rule and each Catch. */
function targetsOf(state: State): string[] {
  const targets: string[] = [];
  if ('Next' in state && state.Next !== undefined) targets.push(state.Next);
  if (state.Type === 'Choice') targets.push(state.Default, ...state.Choices.map((c) => c.Next));
  if (state.Type === 'Task') targets.push(...(state.Catch ?? []).map((c) => c.Next));
  return targets;
}

/**
 * A definition, checked: StartAt and every transition name a state, and every state can be
 * reached from StartAt (a state nothing leads to is a leftover). Throws naming the state.
 */
export function machine(definition: Machine): Machine {
  const { States: states, StartAt: start } = definition;
  const known = (name: string) => Object.hasOwn(states, name);
  if (!known(start)) throw new Error(`StartAt names ${start}, which is not a state`);
  for (const [name, state] of Object.entries(states)) {
    for (const target of targetsOf(state)) if (!known(target)) throw new Error(`${name} leads to ${target}, which is not a state`);
  }
  const reached = new Set<string>();
  const visit = (name: string): void => {
    if (reached.has(name)) return;
    reached.add(name);
    const state = states[name];
    if (state) targetsOf(state).forEach(visit);
  };
  visit(start);
  const unreached = Object.keys(states).filter((name) => !reached.has(name));
  if (unreached.length > 0) throw new Error(`No transition leads to ${unreached.join(', ')}`);
  return definition;
}
