import type { Clock } from '../clock';
import { ENGINE_TIMEOUT_S, engineFor, isFalsyResultPass, type Json, type Machine, type Machines } from './definition';
import { EventTally, History } from './history';
import { TaskError } from './integrations';
import type { Running } from './running';
import { NO_LONGER_WANTED, type Tasks } from './tasks';
import { nextEventId, type Cursor, type ExecutionRecord, type ExecutionStatus, type HistoryEvent, type SfnStore } from './store';


export interface ExecutorDeps {
  readonly store: SfnStore;
  readonly clock: Clock;
  readonly machines: Machines;
  readonly tasks: Tasks;
  /** Called as AWS publishes "Step Functions Execution Status Change" events. */
  readonly onStatusChange?: (execution: ExecutionRecord) => void;
  /**
   * The engine's own real-time limit on a state (seconds) and how long (real ms) a Wait or a
   * parked callback is held before its run is carried on afresh, under that limit. Tests shorten
   * both. @default ENGINE_TIMEOUT_S, REARM_AFTER_MS
   */
  readonly engineLimits?: { readonly timeoutSeconds: number; readonly rearmAfterMs: number };
}

/** A Wait or parked callback is carried on afresh after 20 days of real time, before the engine's ~23-day limit. */
export const REARM_AFTER_MS = 20 * 24 * 3600 * 1000;
/** A re-arm that finds a resource being called (a Lambda) tries again this much later. */
const REARM_RETRY_MS = 60_000;

/**
 * What a run carried on at `cursor` picks up from the stored record and history: its parked task
 * (and whether that task's resource finished: a TaskSubmitted after the last TaskScheduled; a
 * parked task's TaskScheduled is the history's last, stored in the same write as `parked`) or
 * its Wait's end.
 */
function resumeOf(record: ExecutionRecord, cursor: Cursor, events: readonly HistoryEvent[]): NonNullable<Running['resume']> {
  let submitted = false;
  for (let i = events.length - 1; i >= 0; i--) {
    const type = events[i]?.type;
    if (type === 'TaskScheduled') break;
    if (type === 'TaskSubmitted') {
      submitted = true;
      break;
    }
  }
  return { stateName: cursor.stateName, parked: record.parked, submitted, waitUntil: record.waitUntil, skipEntered: record.cursor !== undefined };
}

/** How an execution ended: its status, the record's fields, and the closing history event. */
interface Ending {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly fields: { output?: string; error?: string; cause?: string };
  readonly eventType: string;
  readonly details: Record<string, unknown>;
}

/**
 * Runs executions: hands the definition to `aws-local-stepfunctions` (which does states, paths,
 * Choice and Catch), gives it Task and Wait handlers (`Tasks`), writes the states' entries and
 * exits to the history, applies the execution timeout on the runtime's clock, ends executions
 * (stop, timeout, success, failure) and carries them on after a restart.
 */
export class Executor {
  private readonly running = new Map<string, Running>();
  private closed = false;
  /** Runs carried on afresh under the engine's real-time limit (for operators and tests). */
  rearmed = 0;
  /** History events appended by this executor's runs, by machine and type. */
  readonly events = new EventTally();

  constructor(private readonly deps: ExecutorDeps) {}

  /** Starts (or, from a redrive or a restart, carries on) an execution at `startAt` with `input`. */
  launch(machine: Machine, record: ExecutionRecord, startAt: string, input: Json, firstEventId: number, resume?: Running['resume']): Running {
    const abort = new AbortController();
    const history = new History(this.deps.store, this.deps.clock, record, firstEventId, this.events);
    const run: Running = { record, machine, abort, history, resume, calling: 0, done: Promise.resolve() };
    this.running.set(record.executionArn, run);
    // Nothing of an execution's end may reach the process as an unhandled rejection (Node stops
    // on one, and with it `npm start`): a drive that fails (its end could not be stored) is
    // logged, and the execution is carried on at the next start, as after a crash.
    run.done = this.drive(run, startAt, input)
      .catch((error: unknown) => console.error(`[stepfunctions] ${record.name} could not be driven to its end: ${(error as Error).message}`))
      .finally(() => {
        if (this.running.get(record.executionArn) === run) this.running.delete(record.executionArn);
      });
    return run;
  }

  get accepting(): boolean {
    return !this.closed;
  }

  /** Flushes a running execution's history (GetExecutionHistory reads what is stored). */
  async flush(executionArn: string): Promise<void> {
    await this.running.get(executionArn)?.history.flush();
  }

  /** Stops a running execution: ABORTED, its closing event and its stopDate at `stopDate`. */
  async stop(record: ExecutionRecord, stopDate: number, error?: string, cause?: string): Promise<void> {
    let run = this.running.get(record.executionArn);
    while (run) {
      run.ending = 'stop';
      run.abort.abort();
      await run.done;
      // A run being re-armed hands over to a fresh one: stop that one too.
      const next = this.running.get(record.executionArn);
      if (!next || next === run) break;
      run = next;
    }
    const history = run?.history ?? new History(this.deps.store, this.deps.clock, record, nextEventId(await this.deps.store.history(record.executionArn)), this.events);
    await this.finish(record, history, { status: 'ABORTED', fields: { error, cause }, eventType: 'ExecutionAborted', details: { executionAbortedEventDetails: { error, cause } } }, stopDate);
  }

  /** Carries on every execution that was running when the runtime last stopped. */
  async resumeAll(): Promise<number> {
    const pending = await this.deps.store.runningExecutions();
    for (const record of pending) {
      if (this.running.has(record.executionArn)) continue;
      const machine = await this.deps.machines.get(record.stateMachineArn);
      const events = await this.deps.store.history(record.executionArn);
      const cursor: Cursor = record.cursor ?? { stateName: machine.definition.StartAt, input: record.input };
      this.launch(machine, record, cursor.stateName, JSON.parse(cursor.input) as Json, nextEventId(events), resumeOf(record, cursor, events));
    }
    return pending.length;
  }

  /** Stops driving executions without ending them: a later start carries them on. */
  async shutdown(): Promise<void> {
    this.closed = true;
    const runs = [...this.running.values()];
    for (const run of runs) {
      run.ending = 'shutdown';
      run.abort.abort();
    }
    await Promise.allSettled(runs.map((r) => r.done));
    await Promise.allSettled(runs.map((r) => r.history.flush()));
  }

  /** Executions being driven now (for operators and tests). */
  runningCount(): number {
    return this.running.size;
  }

  /** The running executions of a machine. */
  runningOf(machineArn: string): ExecutionRecord[] {
    return [...this.running.values()].filter((r) => r.record.stateMachineArn === machineArn).map((r) => r.record);
  }

  private async drive(run: Running, startAt: string, input: Json): Promise<void> {
    const { record, machine } = run;
    const { tasks } = this.deps;
    const handlers: Record<string, (input: unknown) => Promise<Json>> = {};
    // Once the run ends (stopped, timed out, shut down, re-armed) the engine lets go of its state at
    // once, even while the state's resource is still being called (a Lambda a stop cut off): the
    // engine's timer on the state ends only when its handler settles, and would keep the process up.
    const ended = new Promise<never>((_, reject) => run.abort.signal.addEventListener('abort', () => reject(new TaskError('States.Runtime', 'Execution ended')), { once: true }));
    ended.catch(() => undefined);
    for (const [stateName, state] of Object.entries(machine.definition.States)) {
      if (isFalsyResultPass(state)) {
        handlers[stateName] = async () => state['Result'] as Json;
      } else if (state.Type === 'Task' || state.Type === 'Wait') {
        handlers[stateName] = (wrapped) => {
          const { raw, params } = wrapped as { raw: Json; params?: Json };
          const running = tasks.run(run, stateName, state, 'params' in (wrapped as object) ? (params as Json) : raw, raw);
          // The engine takes this promise's failure (Retry, Catch), but once the execution ended
          // (stopped, timed out, shut down) it may have let go of it: a Wait or parked task then
          // fails "Execution ended" with nobody listening, which must not stop the process.
          running.catch(() => undefined);
          return Promise.race([running, ended]);
        };
      }
    }
    const limits = this.deps.engineLimits ?? { timeoutSeconds: ENGINE_TIMEOUT_S, rearmAfterMs: REARM_AFTER_MS };
    for (const [stateName, state] of Object.entries(machine.definition.States)) {
      const handler = handlers[stateName];
      if (!handler || !(state.Type === 'Wait' || (state.Type === 'Task' && String(state['Resource']).endsWith('.waitForTaskToken')))) continue;
      // The engine fails a state held past its own real-time limit (States.Timeout): a Wait of a
      // year (a renewal reminder) or a human task of weeks, under `npm start`'s real clock. Before
      // that, the run is ended and carried on afresh at the same state, as after a restart.
      handlers[stateName] = (wrapped) => {
        const held = handler(wrapped);
        let timer: NodeJS.Timeout;
        const arm = (ms: number): void => {
          timer = setTimeout(() => {
            if (run.calling > 0) return arm(REARM_RETRY_MS);
            this.rearm(run);
          }, ms);
          timer.unref();
        };
        arm(limits.rearmAfterMs);
        void held.finally(() => clearTimeout(timer)).catch(() => undefined);
        return held;
      };
    }
    const mint = (): string => tasks.mintToken(run);
    const context = {
      Execution: { Id: record.executionArn, Name: record.name, RoleArn: machine.record.roleArn, StartTime: new Date(record.startDate).toISOString(), RedriveCount: record.redriveCount },
      StateMachine: { Id: machine.record.arn, Name: machine.record.name },
      // The engine copies the context shallowly, so a getter here mints a token per Task entry.
      Task: {
        get Token() {
          return mint();
        },
      },
    };
    const execution = engineFor(machine, startAt, limits.timeoutSeconds).run(input, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context,
      noThrowOnAbort: true,
    });
    const onAbort = (): void => execution.abort();
    run.abort.signal.addEventListener('abort', onAbort, { once: true });

    const timeoutSeconds = machine.definition.TimeoutSeconds;
    if (timeoutSeconds !== undefined) {
      void this.deps.clock.sleepUntil(record.startDate + timeoutSeconds * 1000, run.abort.signal).then(() => {
        if (run.abort.signal.aborted) return;
        run.ending = 'timeout';
        run.abort.abort();
      });
    }

    const consumed = this.consumeEvents(run, execution.eventLogs);
    let outcome: { ok: true; output: unknown } | { ok: false; error: string; cause: string };
    try {
      outcome = { ok: true, output: await execution.result };
    } catch (error) {
      const inner = (error as Error & { cause?: unknown }).cause;
      const e = inner instanceof Error ? inner : (error as Error);
      outcome = { ok: false, error: e.name, cause: e.message };
    }
    await consumed;
    run.abort.signal.removeEventListener('abort', onAbort);
    if (run.ending === 'shutdown' || run.ending === 'stop') return;
    if (run.ending === 'rearm') {
      await this.carryOn(run);
      return;
    }
    if (run.ending === 'timeout') {
      await this.finish(run.record, run.history, { status: 'TIMED_OUT', fields: { error: 'States.Timeout' }, eventType: 'ExecutionTimedOut', details: { executionTimedOutEventDetails: { error: 'States.Timeout' } } });
      return;
    }
    run.abort.abort(NO_LONGER_WANTED);
    if (outcome.ok) {
      const output = JSON.stringify(outcome.output ?? null);
      await this.finish(run.record, run.history, { status: 'SUCCEEDED', fields: { output }, eventType: 'ExecutionSucceeded', details: { executionSucceededEventDetails: { output, outputDetails: { truncated: false } } } });
    } else {
      const { error, cause } = outcome;
      await this.finish(run.record, run.history, { status: 'FAILED', fields: { error, cause }, eventType: 'ExecutionFailed', details: { executionFailedEventDetails: { error, cause } } });
    }
  }

  /** Ends a run held at a Wait or parked task, to carry it on afresh (see `carryOn`). */
  private rearm(run: Running): void {
    if (run.abort.signal.aborted || this.closed) return;
    run.ending = 'rearm';
    run.abort.abort();
  }

  /**
   * Carries a re-armed run on at the state it was held at, as a restart would (the record's
   * cursor, its parked task or Wait end): no state is entered again and no task runs again.
   */
  private async carryOn(run: Running): Promise<void> {
    await run.history.flush();
    if (this.closed) return;
    const record = run.history.snapshot();
    const cursor: Cursor = record.cursor ?? { stateName: run.machine.definition.StartAt, input: record.input };
    // What a restart would read: whether the parked task's resource finished is in the stored history.
    const events = record.parked ? await this.deps.store.history(record.executionArn) : [];
    if (this.closed) return;
    this.rearmed++;
    this.launch(run.machine, record, cursor.stateName, JSON.parse(cursor.input) as Json, run.history.nextEventId, resumeOf(record, cursor, events));
  }

  /** Ends an execution: the closing event and the record's stopDate are the same instant. */
  private async finish(record: ExecutionRecord, history: History, ending: Ending, stopDate = this.deps.clock.now()): Promise<void> {
    const { status, fields } = ending;
    history.append(ending.eventType, ending.details, stopDate);
    history.record({ status, ...fields, stopDate, parked: undefined, waitUntil: undefined });
    await history.flush();
    this.deps.onStatusChange?.({ ...record, status, ...fields, stopDate });
    await this.deps.tasks.closeTokensOf(record.executionArn);
  }

  private async consumeEvents(run: Running, events: AsyncGenerator<{ type: string; state?: { name: string; input: unknown; output?: unknown } }>): Promise<void> {
    for await (const event of events) {
      const state = event.state;
      if (!state) continue;
      const type = run.machine.definition.States[state.name]?.Type ?? 'Task';
      if (event.type === 'StateEntered') {
        const resumed = run.resume?.skipEntered && run.resume.stateName === state.name;
        if (resumed && run.resume) run.resume.skipEntered = false;
        run.history.entered(state.name, type, state.input, Boolean(resumed));
      } else if (event.type === 'StateExited') {
        run.history.exited(state.name, type, state.output);
      }
    }
  }
}
