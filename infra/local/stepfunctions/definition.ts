import { StateMachine } from 'aws-local-stepfunctions';
import type { AslState } from '../../../functions/shared/asl';
import { SfnError } from './errors';
import type { MachineRecord, SfnStore } from './store';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type StateDef = Record<string, unknown> & AslState;
export interface Definition {
  StartAt: string;
  States: Record<string, StateDef>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
  [key: string]: unknown;
}
type EngineDefinition = ConstructorParameters<typeof StateMachine>[0];

/** A state machine as the runtime holds it: its record, its parsed definition, and its engines. */
export interface Machine {
  readonly record: MachineRecord;
  readonly definition: Definition;
  readonly engines: Map<string, StateMachine>;
}

/**
 * What the engine is told a Task may take (about 23 days; its timer is a real-time setTimeout,
 * which takes at most 2^31-1 ms). The runtime applies every state timeout itself on its clock;
 * a Wait or parked callback held longer is carried on afresh before this (Executor's re-arm).
 */
export const ENGINE_TIMEOUT_S = 2_000_000;

/**
 * Parses and checks a definition as CreateStateMachine does; JSONata is refused. `schema: false`
 * leaves out asl-validator's JSON-schema check (a fresh ajv compiling every ASL schema: 0.2–0.5 s
 * of CPU per machine), for the runtime's own machines at start: their ASL passes asl-validator,
 * ARNs and paths included, in test/statemachines/asl-rules.test.ts.
 */
export function validateDefinition(text: string, { schema = true }: { readonly schema?: boolean } = {}): Definition {
  let definition: Definition;
  try {
    definition = JSON.parse(text) as Definition;
  } catch {
    throw new SfnError('InvalidDefinition', 'Invalid State Machine Definition: not JSON');
  }
  if (/"QueryLanguage"\s*:\s*"JSONata"/.test(text)) {
    throw new SfnError('InvalidDefinition', 'Invalid State Machine Definition: JSONata is not supported here; write JSONPath');
  }
  if (!schema) return definition;
  try {
    new StateMachine(definition as unknown as EngineDefinition);
  } catch (error) {
    throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: ${(error as Error).message}`);
  }
  return definition;
}

/** The state machines known to the runtime: stored ones, loaded (and their definitions parsed) once. */
export class Machines {
  private readonly cache = new Map<string, Machine>();

  constructor(private readonly store: SfnStore) {}

  /** The machine of that ARN, or StateMachineDoesNotExist. */
  async get(arn: string): Promise<Machine> {
    const cached = this.cache.get(arn);
    if (cached) return cached;
    const record = await this.store.getMachine(arn);
    if (!record) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return this.hold(record, validateDefinition(record.definition));
  }

  hold(record: MachineRecord, definition: Definition): Machine {
    const machine: Machine = { record, definition, engines: new Map() };
    this.cache.set(record.arn, machine);
    return machine;
  }

  forget(arn: string): void {
    this.cache.delete(arn);
  }
}

/** One engine per machine and entry state, built once: building validates (~100 ms). */
export function engineFor(machine: Machine, startAt: string, engineTimeoutS = ENGINE_TIMEOUT_S): StateMachine {
  const key = engineTimeoutS === ENGINE_TIMEOUT_S ? startAt : `${startAt}@${engineTimeoutS}`;
  let engine = machine.engines.get(key);
  if (!engine) {
    engine = new StateMachine(engineDefinition(machine.definition, startAt, engineTimeoutS), { validationOptions: { noValidate: true } });
    machine.engines.set(key, engine);
  }
  return engine;
}

/** A Pass state with a falsy Result (0, false, "", null): the engine ignores it and passes its input on. */
export function isFalsyResultPass(state: StateDef): boolean {
  return state.Type === 'Pass' && 'Result' in state && !state['Result'];
}

/**
 * What the engine runs: Wait states become Tasks the runtime handles (so they sleep on the
 * runtime's clock), Retry, timeouts and heartbeats are removed (the runtime applies them on the
 * clock), every Task's handler receives `{ raw, params }` (the state input, which
 * `TimeoutSecondsPath` and friends read, and the evaluated Parameters), and the entry state is
 * the one asked for (a resume or redrive starts mid-way).
 */
function engineDefinition(definition: Definition, startAt: string, engineTimeoutS: number): EngineDefinition {
  const states: Record<string, StateDef> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Wait') {
      const { Seconds: _s, Timestamp: _t, SecondsPath: _sp, TimestampPath: _tp, ...rest } = state;
      states[name] = { ...rest, Type: 'Task', Resource: 'arn:aws:states:::local:wait', Parameters: { 'raw.$': '$' }, TimeoutSeconds: engineTimeoutS };
    } else if (isFalsyResultPass(state)) {
      // The runtime hands the Result back instead.
      const { Result: _result, Parameters: _p, ...rest } = state;
      states[name] = { ...rest, Type: 'Task', Resource: 'arn:aws:states:::local:pass', Parameters: { 'raw.$': '$' }, TimeoutSeconds: engineTimeoutS };
    } else if (state.Type === 'Task') {
      const { Retry: _r, TimeoutSecondsPath: _tsp, HeartbeatSeconds: _h, HeartbeatSecondsPath: _hp, Parameters: parameters, ...rest } = state;
      // The handler gets the state input (for *Path fields, which read it) beside the Parameters.
      const wrapped = parameters === undefined ? { 'raw.$': '$' } : { 'raw.$': '$', params: parameters };
      states[name] = { ...rest, Parameters: wrapped, TimeoutSeconds: engineTimeoutS };
    } else {
      states[name] = state;
    }
  }
  const { TimeoutSeconds: _timeout, ...top } = definition;
  return { ...top, StartAt: startAt, States: states } as unknown as EngineDefinition;
}
