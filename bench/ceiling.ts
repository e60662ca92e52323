/**
 * The engine ceiling: a workflow's ASL (placeholders substituted) run straight on
 * aws-local-stepfunctions with every Task answered at once by a no-op handler, so the same path
 * is taken. Arrest: validate, clerk accepts, CMS, notify, AVAILABLE, and the adjudication wait
 * is cut short (its Task returns at once, then MakeHistorical). Access request: review approved,
 * trainings attested and verified, password issued, the 24-hour Wait already past, ACTIVE.
 * No storage, no Lambda, no HTTP.
 */
import { performance } from 'node:perf_hooks';
import { StateMachine } from 'aws-local-stepfunctions';
import { aslText, substitute } from '../infra/asl';
import { machines, type MachineName } from '../infra/manifest';
import { pool, summarize, type Summary } from '../drive/stats';

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
 * timeouts beyond Node's timer limit are clamped, TimeoutSecondsPath is dropped (the engine
 * reads it from the Parameters' output, not the state input; the no-op Tasks never time out),
 * and a Wait until a timestamp waits 0 s.
 */
export function ceilingDefinition(machine: MachineName): EngineDefinition {
  const values = Object.fromEntries(Object.keys(machines[machine].substitutions).map((k) => [k, `arn:aws:lambda:us-east-1:000000000000:function:bench-${k}`]));
  type State = { Type?: string; TimeoutSeconds?: number; TimeoutSecondsPath?: string; TimestampPath?: string; Seconds?: number };
  const definition = JSON.parse(substitute(aslText(machine), values)) as { TimeoutSeconds?: number; States: Record<string, State> };
  const clamp = (s: State): void => {
    if (s.TimeoutSeconds !== undefined && s.TimeoutSeconds > MAX_ENGINE_TIMEOUT_S) s.TimeoutSeconds = MAX_ENGINE_TIMEOUT_S;
    delete s.TimeoutSecondsPath;
    // A Wait until a timestamp (the 24-hour password expiry) is taken as already past.
    if (s.Type === 'Wait' && s.TimestampPath !== undefined) {
      delete s.TimestampPath;
      s.Seconds = 0;
    }
  };
  clamp(definition);
  Object.values(definition.States).forEach(clamp);
  return definition as unknown as EngineDefinition;
}

/** Minimal plausible results: what each Task's ResultSelector / later Choice reads. */
const arrestHandlers: Record<string, () => Promise<unknown>> = {
  ValidatePacket: async () => ({ Payload: { valid: true, clerk: { role: 'court-clerk', email: 'clerk.ga23@jud.ct.example', court: 'GA23' }, title: 'Arrest packet', facts: [], warnings: [], ori: 'CT0000100', incidentNumber: 'INC-1' } }),
  AwaitClerkReview: async () => ({ taskId: 't', decision: 'accept', comment: null, decidedBy: 'clerk', decidedAt: '2026-01-01T00:00:00Z', channel: 'api' }),
  RecordAcceptance: async () => ({ Payload: {} }),
  TransmitToCms: async () => ({ Payload: { docketNumber: 'NNH-CR26-0000001' } }),
  NotifyAgency: async () => ({ Payload: { notifiedAt: '2026-01-01T00:00:00Z' } }),
  MakeAvailable: async () => ({ Payload: {} }),
  AwaitAdjudication: async () => ({ dispositions: [] }),
  MakeHistorical: async () => ({ Payload: {} }),
};

const decided = (decision: string) => async () => ({ taskId: 't', decision, comment: null, decidedBy: 'bench', decidedAt: '2026-01-01T00:00:00Z', channel: 'api' });
const accessHandlers: Record<string, () => Promise<unknown>> = {
  LoadRequest: async () => ({ Payload: { title: 'CCHRS access', facts: [], unitEmail: 'unit@example', agencyEmail: 'admin@example', ori: 'CT0000100' } }),
  AwaitBusinessNeedReview: decided('approve'),
  AssignTrainings: async () => ({ Payload: {} }),
  AwaitTrainingAttestation: decided('attest'),
  RecordAttestation: async () => ({ Payload: {} }),
  AwaitTrainingVerification: decided('verified'),
  ConfirmTrainingEvidence: async () => ({ Payload: { complete: true } }),
  // Already past: the Wait ends at once, as the bench's manual clock would after an advance.
  IssueTemporaryPassword: async () => ({ Payload: { temporaryPasswordExpiresAt: '2000-01-01T00:00:00Z' } }),
  CheckFirstLogin: async () => ({ Payload: { active: true } }),
};

/** A workflow as the engine ceiling runs it: ASL, no-op Task handlers, input, and the end it must reach. */
export interface CeilingWorkflow {
  readonly machine: MachineName;
  readonly handlers: Record<string, () => Promise<unknown>>;
  readonly input: (i: number) => Record<string, unknown>;
  /** Throws when the output shows another path was taken. */
  readonly check: (output: unknown, i: number) => void;
}

export const CEILING_WORKFLOWS = {
  arrest: {
    machine: 'arrest-packet',
    handlers: arrestHandlers,
    input: (i) => ({ packetId: `ap-bench-${i}`, version: 1 }),
    check: (out, i) => {
      const o = out as { cms?: { docketNumber?: string }; adjudication?: unknown };
      if (o?.cms?.docketNumber === undefined || o.adjudication === undefined) throw new Error(`ceiling execution ${i} took another path: ${JSON.stringify(out)}`);
    },
  },
  access: {
    machine: 'access-request',
    handlers: accessHandlers,
    input: (i) => ({ requestId: `ar-bench-${i}` }),
    check: (out, i) => {
      const o = out as { activation?: { active?: boolean } };
      if (o?.activation?.active !== true) throw new Error(`ceiling execution ${i} took another path: ${JSON.stringify(out)}`);
    },
  },
} as const satisfies Record<string, CeilingWorkflow>;

/** The context object the Parameters read ($$.Execution.Id, $$.Task.Token). */
function contextFor(i: number): never {
  return { Execution: { Id: `arn:aws:states:us-east-1:000000000000:execution:bench:${i}`, Name: String(i) }, Task: { Token: `token-${i}` } } as never;
}

export interface CeilingEngine {
  readonly machine: StateMachine;
  readonly workflow: CeilingWorkflow;
}

export function ceilingMachine(workflow: CeilingWorkflow): CeilingEngine {
  return { machine: new StateMachine(ceilingDefinition(workflow.machine), { validationOptions: { noValidate: true } }), workflow };
}

/** Runs one execution; resolves with its output, rejecting if it did not take the expected path. */
export async function runOnce(engine: CeilingEngine, i: number): Promise<unknown> {
  const execution = engine.machine.run(engine.workflow.input(i) as never, { overrides: { taskResourceLocalHandlers: engine.workflow.handlers as never }, context: contextFor(i) });
  const output = await execution.result;
  engine.workflow.check(output, i);
  return output;
}

/** Counts the states one execution enters (the engine's event log). */
export async function ceilingTransitions(engine: CeilingEngine): Promise<{ entered: number; states: string[] }> {
  const execution = engine.machine.run(engine.workflow.input(-1) as never, { overrides: { taskResourceLocalHandlers: engine.workflow.handlers as never }, context: contextFor(-1) });
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

export async function measureCeiling(engine: CeilingEngine, concurrency: number, executions: number, onDone?: (done: number) => void): Promise<CeilingResult> {
  const latencies: number[] = [];
  const start = performance.now();
  await pool(executions, concurrency, async (i) => {
    const t0 = performance.now();
    await runOnce(engine, i);
    latencies.push(performance.now() - t0);
    onDone?.(latencies.length);
  });
  const seconds = (performance.now() - start) / 1000;
  return { concurrency, executions, seconds, executionsPerSecond: executions / seconds, latencyMs: summarize(latencies) };
}
