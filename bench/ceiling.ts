/**
 * The engine ceiling: the arrest ASL (placeholders substituted) run straight on
 * aws-local-stepfunctions with every Task answered at once by a no-op handler, so the same path
 * is taken — validate, clerk accepts, CMS, notify, AVAILABLE — and the adjudication wait is cut
 * short (its Task returns at once, then MakeHistorical). No storage, no Lambda, no HTTP.
 */
import { performance } from 'node:perf_hooks';
import { StateMachine } from 'aws-local-stepfunctions';
import { aslText, substitute } from '../infra/asl';
import { machines } from '../infra/manifest';
import { pool, summarize, type Summary } from './stats';

type EngineDefinition = ConstructorParameters<typeof StateMachine>[0];

/** Node's setTimeout limit; the engine arms real timers, so longer timeouts are clamped to this. */
const MAX_ENGINE_TIMEOUT_S = 2_000_000;

export interface CeilingResult {
  readonly concurrency: number;
  readonly executions: number;
  readonly seconds: number;
  readonly executionsPerSecond: number;
  readonly latencyMs: Summary;
}

/**
 * The ASL as deployed, with placeholder ARNs, adjusted only where the engine cannot take it:
 * timeouts beyond Node's timer limit are clamped, and TimeoutSecondsPath is dropped (the engine
 * reads it from the Parameters' output, not the state input; the no-op Tasks never time out).
 */
export function ceilingDefinition(): EngineDefinition {
  const values = Object.fromEntries(Object.keys(machines['arrest-packet'].substitutions).map((k) => [k, `arn:aws:lambda:us-east-1:000000000000:function:bench-${k}`]));
  const definition = JSON.parse(substitute(aslText('arrest-packet'), values)) as { TimeoutSeconds?: number; States: Record<string, { TimeoutSeconds?: number; TimeoutSecondsPath?: string }> };
  const clamp = (s: { TimeoutSeconds?: number; TimeoutSecondsPath?: string }): void => {
    if (s.TimeoutSeconds !== undefined && s.TimeoutSeconds > MAX_ENGINE_TIMEOUT_S) s.TimeoutSeconds = MAX_ENGINE_TIMEOUT_S;
    delete s.TimeoutSecondsPath;
  };
  clamp(definition);
  Object.values(definition.States).forEach(clamp);
  return definition as unknown as EngineDefinition;
}

/** Minimal plausible results: what each Task's ResultSelector / later Choice reads. */
const handlers: Record<string, () => Promise<unknown>> = {
  ValidatePacket: async () => ({ Payload: { valid: true, clerk: { role: 'court-clerk', email: 'clerk.ga23@jud.ct.example' }, title: 'Arrest packet', facts: [] } }),
  AwaitClerkReview: async () => ({ taskId: 't', decision: 'accept', comment: null, decidedBy: 'clerk', decidedAt: '2026-01-01T00:00:00Z', channel: 'api' }),
  RecordAcceptance: async () => ({ Payload: {} }),
  TransmitToCms: async () => ({ Payload: { docketNumber: 'NNH-CR26-0000001' } }),
  NotifyAgency: async () => ({ Payload: {} }),
  MakeAvailable: async () => ({ Payload: {} }),
  AwaitAdjudication: async () => ({ dispositions: [] }),
  MakeHistorical: async () => ({ Payload: {} }),
};

/** The context object the Parameters read ($$.Execution.Id, $$.Task.Token). */
function contextFor(i: number): never {
  return { Execution: { Id: `arn:aws:states:us-east-1:000000000000:execution:bench:${i}`, Name: String(i) }, Task: { Token: `token-${i}` } } as never;
}

export function ceilingMachine(): StateMachine {
  return new StateMachine(ceilingDefinition(), { validationOptions: { noValidate: true } });
}

/** Runs one execution; resolves with its output, rejecting if it did not reach PacketIsHistorical. */
export async function runOnce(machine: StateMachine, i: number): Promise<unknown> {
  const execution = machine.run(
    { packetId: `ap-bench-${i}`, version: 1 },
    {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: contextFor(i),
    },
  );
  const output = (await execution.result) as { cms?: { docketNumber?: string }; adjudication?: unknown };
  if (output?.cms?.docketNumber === undefined || output.adjudication === undefined) throw new Error(`ceiling execution ${i} took another path: ${JSON.stringify(output)}`);
  return output;
}

/** Counts the states one execution enters (the engine's event log). */
export async function ceilingTransitions(machine: StateMachine): Promise<{ entered: number; states: string[] }> {
  const execution = machine.run({ packetId: 'ap-bench-count', version: 1 }, { overrides: { taskResourceLocalHandlers: handlers as never }, context: contextFor(-1) });
  const states: string[] = [];
  const events = (async () => {
    for await (const e of execution.eventLogs) {
      const ev = e as { type: string; state?: { name: string } };
      if (ev.type === 'StateEntered' && ev.state) states.push(ev.state.name);
    }
  })();
  await execution.result;
  await events;
  return { entered: states.length, states };
}

export async function measureCeiling(machine: StateMachine, concurrency: number, executions: number): Promise<CeilingResult> {
  const latencies: number[] = [];
  const start = performance.now();
  await pool(executions, concurrency, async (i) => {
    const t0 = performance.now();
    await runOnce(machine, i);
    latencies.push(performance.now() - t0);
  });
  const seconds = (performance.now() - start) / 1000;
  return { concurrency, executions, seconds, executionsPerSecond: executions / seconds, latencyMs: summarize(latencies) };
}
