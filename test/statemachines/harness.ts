/**
 * Helpers for testing state machines on `aws-local-stepfunctions` directly: every Task is
 * stubbed by state name, Wait states and retry back-off take no time, and each run reports
 * which states ran, in order, with the input each one received.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ROOT, substitute } from '#infra/asl';
import { allStates as aslStates, placeholdersOf, StatesRuntimeError, timingSeconds } from '#shared/asl';

/** The ASL rules the harness shares with the runtime and the ops domain (one home: functions/shared/asl.ts). */
export { placeholdersOf };

/** Every state of a definition, including those inside Parallel branches and Map processors. */
export const allStates: (definition: unknown) => [string, Record<string, unknown>][] = aslStates;

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export const STATEMACHINES_DIR = path.join(ROOT, 'statemachines');

export const DUMMY_ACCOUNT = '123456789012';
export const DUMMY_REGION = 'us-east-1';

/** The ASL files under `statemachines/`, by file name. */
export function aslFiles(): string[] {
  return readdirSync(STATEMACHINES_DIR)
    .filter((f) => f.endsWith('.asl.json'))
    .sort();
}

export function aslSource(file: string): string {
  return readFileSync(path.join(STATEMACHINES_DIR, file), 'utf8');
}

/**
 * A plausible value for a placeholder, chosen by the naming convention of the manifest's
 * substitutions (`…FunctionArn`, `…MachineArn`, `…TableName`, `…BusName`), so ARN-shaped
 * fields get ARNs and name fields get names.
 */
export function dummyValue(placeholder: string): string {
  if (/FunctionArn$/.test(placeholder)) return `arn:aws:lambda:${DUMMY_REGION}:${DUMMY_ACCOUNT}:function:${placeholder}`;
  if (/(State)?MachineArn$/.test(placeholder)) return `arn:aws:states:${DUMMY_REGION}:${DUMMY_ACCOUNT}:stateMachine:${placeholder}`;
  if (/BusArn$/.test(placeholder)) return `arn:aws:events:${DUMMY_REGION}:${DUMMY_ACCOUNT}:event-bus/${placeholder}`;
  if (/TableArn$/.test(placeholder)) return `arn:aws:dynamodb:${DUMMY_REGION}:${DUMMY_ACCOUNT}:table/${placeholder}`;
  if (/Arn$/.test(placeholder)) return `arn:aws:iam::${DUMMY_ACCOUNT}:role/${placeholder}`;
  return `dummy-${placeholder.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

/** The ASL file with every placeholder filled by `dummyValue`, as parsed JSON. */
export function substitutedDefinition(file: string): Record<string, unknown> & StateMachineDefinition {
  const text = aslSource(file);
  const values = Object.fromEntries(placeholdersOf(text).map((p) => [p, dummyValue(p)]));
  return JSON.parse(substitute(text, values)) as Record<string, unknown> & StateMachineDefinition;
}

/** An error as a Lambda or service would throw it: `name` is what Retry and Catch match. */
export function namedError(name: string, message = `${name} (stub)`): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export type TaskStub = (input: JsonValue, attempt: number) => JsonValue | Promise<JsonValue>;

export interface TaskCall {
  readonly state: string;
  readonly input: JsonValue;
  /** 1 for the first call of this state in the run, 2 for its first retry, and so on. */
  readonly attempt: number;
  /** What `TimeoutSecondsPath` / `HeartbeatSecondsPath` read from the state input, when the state has them. */
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
}

export type RunOutcome =
  | { readonly status: 'SUCCEEDED'; readonly output: JsonValue; readonly calls: readonly TaskCall[] }
  | { readonly status: 'FAILED'; readonly error: string; readonly cause: string; readonly calls: readonly TaskCall[] };

export interface RunOptions {
  /** A stub for every Task state, by state name; a Task without one fails the run loudly. */
  readonly tasks: Readonly<Record<string, TaskStub>>;
  readonly executionName?: string;
  readonly taskToken?: string;
  /** Wait states to skip; each is given 0 ms. */
  readonly waits?: readonly string[];
  /** When given, the name of every state the run enters (Choice, Pass, Wait and end states too) is pushed here, in order. */
  readonly entered?: string[];
}

const engines = new WeakMap<StateMachineDefinition, StateMachine>();

const PATH_TIMINGS = ['TimeoutSecondsPath', 'HeartbeatSecondsPath'] as const;

/**
 * aws-local-stepfunctions ignores a falsy Pass `Result` (0, false, "", null) and passes the
 * input on instead (AWS uses the Result, as the local runtime does). Such a Pass runs here as a
 * Task whose handler returns the Result; its ResultPath, OutputPath and Next stay as they are.
 */
const FALSY_RESULT_RESOURCE = 'arn:aws:states:::local:pass';
const isFalsyResultPass = (state: Record<string, unknown>) => state['Type'] === 'Pass' && 'Result' in state && !state['Result'];

/**
 * The definition as the engine runs it. aws-local-stepfunctions reads `TimeoutSecondsPath`
 * from the Parameters' output instead of the state input (AWS reads the state input), so a Task
 * with a *Path timing gets `{ raw: $, params: <its Parameters> }` as Parameters and no *Path
 * field; `runMachine` resolves the path on `raw` itself and hands the stub `params`.
 */
function engineDefinition(definition: StateMachineDefinition): StateMachineDefinition {
  // JSON, not structuredClone: under jest the latter makes objects of another realm, which the
  // engine then does not see as plain objects (nested Parameters go unevaluated).
  const copy = JSON.parse(JSON.stringify(definition)) as Record<string, unknown>;
  const visit = (machine: unknown): void => {
    if (machine === null || typeof machine !== 'object') return;
    const states = (machine as { States?: Record<string, Record<string, unknown>> }).States;
    for (const [name, state] of Object.entries(states ?? {})) {
      if (isFalsyResultPass(state)) {
        const { Result: _result, Parameters: _parameters, ...rest } = state;
        if (states) states[name] = { ...rest, Type: 'Task', Resource: FALSY_RESULT_RESOURCE };
        continue;
      }
      if (state['Type'] === 'Task' && PATH_TIMINGS.some((f) => f in state)) {
        for (const field of PATH_TIMINGS) delete state[field];
        state['Parameters'] = 'Parameters' in state ? { 'raw.$': '$', params: state['Parameters'] } : { 'raw.$': '$' };
      }
      for (const branch of (state['Branches'] as unknown[] | undefined) ?? []) visit(branch);
      visit(state['ItemProcessor'] ?? state['Iterator']);
    }
  };
  visit(copy);
  return copy as unknown as StateMachineDefinition;
}

/** The engine for a substituted definition (built once: validation is the slow part); dummy ARNs are not checked. */
export function machineFor(definition: StateMachineDefinition): StateMachine {
  let engine = engines.get(definition);
  if (!engine) {
    engine = new StateMachine(engineDefinition(definition), { validationOptions: { checkArn: false } });
    engines.set(definition, engine);
  }
  return engine;
}

/** A States.Runtime error as AWS raises it: neither Retry nor Catch can match it. */
function statesRuntime(message: string): Error {
  return Object.assign(namedError('States.Runtime', message), { isRetryable: false, isCatchable: false });
}

/** The positive integer a *Path timing field reads from the state input, or a States.Runtime error. */
function pathTiming(state: string, field: 'TimeoutSeconds' | 'HeartbeatSeconds', timed: Record<string, unknown>, raw: JsonValue): number | undefined {
  if (typeof timed[`${field}Path`] !== 'string') return undefined;
  try {
    return timingSeconds({ Type: 'Task', [`${field}Path`]: timed[`${field}Path`] }, field, raw);
  } catch (error) {
    if (error instanceof StatesRuntimeError) throw statesRuntime(`${state}: ${error.message}`);
    throw error;
  }
}

/** Runs a machine with every Task stubbed and no real waiting, and reports what happened. */
export async function runMachine(definition: StateMachineDefinition, input: JsonValue, options: RunOptions): Promise<RunOutcome> {
  const calls: TaskCall[] = [];
  const taskNames = allStates(definition)
    .filter(([, s]) => s['Type'] === 'Task')
    .map(([name]) => name);
  const missing = taskNames.filter((name) => !(name in options.tasks));
  if (missing.length > 0) throw new Error(`No stub for Task state(s): ${missing.join(', ')}`);

  const timedByPath = Object.fromEntries(allStates(definition).filter(([, s]) => s['Type'] === 'Task' && PATH_TIMINGS.some((f) => f in s)));
  const taskResourceLocalHandlers = Object.fromEntries(
    Object.entries(options.tasks).map(([state, stub]) => [
      state,
      async (engineInput: JsonValue) => {
        const attempt = calls.filter((c) => c.state === state).length + 1;
        const timed = timedByPath[state];
        if (!timed) {
          calls.push({ state, input: structuredClone(engineInput), attempt });
          return stub(engineInput, attempt);
        }
        const { raw, params } = engineInput as { raw: JsonValue; params?: JsonValue };
        const taskInput = 'Parameters' in timed ? (params ?? null) : raw;
        const timeoutSeconds = pathTiming(state, 'TimeoutSeconds', timed, raw);
        const heartbeatSeconds = pathTiming(state, 'HeartbeatSeconds', timed, raw);
        calls.push({ state, input: structuredClone(taskInput), attempt, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }), ...(heartbeatSeconds === undefined ? {} : { heartbeatSeconds }) });
        return stub(taskInput, attempt);
      },
    ]),
  );
  for (const [name, state] of allStates(definition)) {
    if (isFalsyResultPass(state)) taskResourceLocalHandlers[name] = async () => state['Result'] as JsonValue;
  }
  const retried = allStates(definition)
    .filter(([, s]) => Array.isArray(s['Retry']))
    .map(([name]) => [name, 0] as const);

  const run = machineFor(definition).run(input, {
    context: {
      Execution: { Name: options.executionName ?? 'test-execution', Id: `arn:aws:states:${DUMMY_REGION}:${DUMMY_ACCOUNT}:execution:test:${options.executionName ?? 'test-execution'}` },
      Task: { Token: options.taskToken ?? 'tok' },
    },
    overrides: {
      taskResourceLocalHandlers,
      waitTimeOverrides: Object.fromEntries((options.waits ?? []).map((w) => [w, 0])),
      retryIntervalOverrides: Object.fromEntries(retried),
    },
  });
  const { entered } = options;
  const tracing = entered
    ? (async () => {
        for await (const event of run.eventLogs) if (event.type === 'StateEntered') entered.push(event.state.name);
      })().catch(() => undefined)
    : undefined;
  try {
    const output = await run.result;
    await tracing;
    return { status: 'SUCCEEDED', output, calls };
  } catch (error) {
    await tracing;
    if (!(error instanceof ExecutionError)) throw error;
    const cause = error.cause as Error | undefined;
    return { status: 'FAILED', error: cause?.name ?? 'Unknown', cause: cause?.message ?? '', calls };
  }
}

/** The state names of the calls, in order. */
export function statesCalled(outcome: RunOutcome): string[] {
  return outcome.calls.map((c) => c.state);
}

/** The input a state's `n`th call (1-based) received. */
export function inputOf(outcome: RunOutcome, state: string, n = 1): JsonValue | undefined {
  return outcome.calls.filter((c) => c.state === state)[n - 1]?.input;
}
