import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Clock } from '../clock';
import { readPath } from '../jsonpath';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../lambda';
import { describeResource, invokeResource, TaskError, type IntegrationDeps } from './integrations';
import type { Cursor, ExecutionRecord, ExecutionStatus, HistoryEvent, MachineRecord, Parked, SfnStore } from './store';

/** An AWS-shaped service error: `type` becomes the SDK exception's name. */
export class SfnError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = type;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type StateDef = Record<string, unknown> & { Type: string };
interface Definition {
  StartAt: string;
  States: Record<string, StateDef>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
  [key: string]: unknown;
}
type EngineDefinition = ConstructorParameters<typeof StateMachine>[0];

/** setTimeout's limit; a compute step longer than ~24 days is not one this runtime will see. */
const MAX_REAL_TIMEOUT_MS = 2_147_483_647;

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** How long an execution's history writes are gathered before they go out together. */
const HISTORY_COALESCE_MS = 5;

/** What stored history shows in place of a task token. */
export const REDACTED_TOKEN = '[task token]';

/** Step Functions has no task timeout unless the state sets one. */
const AWS_DEFAULT_TASK_TIMEOUT_S = 99_999_999;
/** What the engine is told instead: it only ever times out on its own, real-time timer. */
const ENGINE_TIMEOUT_S = 2_000_000;

interface Machine {
  readonly record: MachineRecord;
  readonly definition: Definition;
  readonly engines: Map<string, StateMachine>;
}

interface Waiter {
  readonly tokenHash: string;
  readonly executionArn: string;
  settle(outcome: { output: unknown } | { error: string; cause: string }): void;
  heartbeat(): void;
}

interface Running {
  readonly record: ExecutionRecord;
  readonly machine: Machine;
  readonly abort: AbortController;
  readonly history: History;
  /**
   * Set at a restart: the parked task or Wait to pick up again without redoing it. It applies to
   * the first attempt of the state it was taken at, and only once (`taken`): a Retry, or a Catch
   * that loops back into the same state (a reminder), is a new attempt with its own deadline and
   * token.
   */
  resume?: { stateName: string; parked?: Parked; waitUntil?: number; skipEntered: boolean; taken?: boolean };
  lastMintedToken?: string;
  ending?: 'stop' | 'shutdown' | 'timeout';
  done: Promise<void>;
}

export interface SfnServiceDeps extends IntegrationDeps {
  readonly store: SfnStore;
  readonly clock: Clock;
  /** Called as AWS publishes "Step Functions Execution Status Change" events. */
  readonly onStatusChange?: (execution: ExecutionRecord) => void;
}

/**
 * The local Step Functions service: the AWS JSON API over executions whose ASL is interpreted by
 * `aws-local-stepfunctions`. The engine does states, paths, Choice and Catch; this service owns
 * what the engine does not: Task resources (dispatched here by type), task tokens, Retry
 * back-off, timeouts, heartbeats and Wait states on the runtime's controllable clock, the
 * execution history in AWS's event shapes, and persistence so a restart carries executions on.
 */
export class StepFunctionsService {
  private readonly machines = new Map<string, Machine>();
  private readonly running = new Map<string, Running>();
  private readonly waiters = new Map<string, Waiter>();
  private closed = false;

  constructor(private readonly deps: SfnServiceDeps) {}

  machineArn(name: string): string {
    return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
  }

  /** Dispatches one API call by its `X-Amz-Target` operation. */
  async handle(operation: string, body: Record<string, unknown>): Promise<unknown> {
    const str = (key: string): string => {
      const v = body[key];
      if (typeof v !== 'string' || v === '') throw new SfnError('ValidationException', `${key} is required`);
      return v;
    };
    switch (operation) {
      case 'CreateStateMachine':
        return this.createStateMachine(str('name'), str('definition'), String(body['roleArn'] ?? ''), false);
      case 'UpdateStateMachine':
        return this.updateStateMachine(str('stateMachineArn'), str('definition'));
      case 'DescribeStateMachine':
        return this.describeStateMachine(str('stateMachineArn'));
      case 'ListStateMachines':
        return this.listStateMachines();
      case 'StartExecution':
        return this.startExecution(str('stateMachineArn'), typeof body['name'] === 'string' ? body['name'] : undefined, typeof body['input'] === 'string' ? body['input'] : '{}');
      case 'DescribeExecution':
        return this.describeExecution(str('executionArn'));
      case 'ListExecutions':
        return this.listExecutions(str('stateMachineArn'), body['statusFilter'] as ExecutionStatus | undefined, body['maxResults'] as number | undefined, body['nextToken'] as string | undefined);
      case 'GetExecutionHistory':
        return this.getExecutionHistory(str('executionArn'), body['reverseOrder'] === true, body['maxResults'] as number | undefined, body['nextToken'] as string | undefined);
      case 'StopExecution':
        return this.stopExecution(str('executionArn'), body['error'] as string | undefined, body['cause'] as string | undefined);
      case 'RedriveExecution':
        return this.redriveExecution(str('executionArn'));
      case 'SendTaskSuccess':
        return this.sendTaskResult(str('taskToken'), { output: parseJson(str('output'), 'output') });
      case 'SendTaskFailure':
        return this.sendTaskResult(str('taskToken'), { error: String(body['error'] ?? ''), cause: String(body['cause'] ?? '') });
      case 'SendTaskHeartbeat':
        return this.sendTaskHeartbeat(str('taskToken'));
      default:
        throw new SfnError('UnknownOperationException', `The embedded runtime does not implement ${operation}`);
    }
  }

  // ---- state machines -------------------------------------------------------------------

  /** Creates (or, for the runtime's own bootstrap, replaces) a state machine. */
  async createStateMachine(name: string, definitionText: string, roleArn: string, replace: boolean): Promise<{ stateMachineArn: string; creationDate: number }> {
    const arn = this.machineArn(name);
    const definition = validateDefinition(definitionText);
    const existing = await this.deps.store.getMachine(arn);
    if (existing && !replace && existing.definition !== definitionText) {
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const record: MachineRecord = existing && !replace ? existing : { arn, name, definition: definitionText, roleArn, createdAt: existing?.createdAt ?? this.deps.clock.now() };
    if (!existing || replace) await this.deps.store.putMachine(record);
    this.machines.set(arn, { record, definition, engines: new Map() });
    return { stateMachineArn: arn, creationDate: record.createdAt / 1000 };
  }

  private async updateStateMachine(arn: string, definitionText: string): Promise<{ updateDate: number }> {
    const machine = await this.machine(arn);
    await this.createStateMachine(machine.record.name, definitionText, machine.record.roleArn, true);
    return { updateDate: this.deps.clock.now() / 1000 };
  }

  private async describeStateMachine(arn: string): Promise<unknown> {
    const { record } = await this.machine(arn);
    return { stateMachineArn: arn, name: record.name, status: 'ACTIVE', definition: record.definition, roleArn: record.roleArn, type: 'STANDARD', creationDate: record.createdAt / 1000 };
  }

  private async listStateMachines(): Promise<unknown> {
    const all = await this.deps.store.listMachines();
    return { stateMachines: all.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: m.createdAt / 1000 })) };
  }

  private async machine(arn: string): Promise<Machine> {
    const cached = this.machines.get(arn);
    if (cached) return cached;
    const record = await this.deps.store.getMachine(arn);
    if (!record) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    const machine = { record, definition: validateDefinition(record.definition), engines: new Map<string, StateMachine>() };
    this.machines.set(arn, machine);
    return machine;
  }

  /** One engine per machine and entry state, built once: building validates (~100 ms). */
  private engine(machine: Machine, startAt: string): StateMachine {
    let engine = machine.engines.get(startAt);
    if (!engine) {
      engine = new StateMachine(engineDefinition(machine.definition, startAt), { validationOptions: { noValidate: true } });
      machine.engines.set(startAt, engine);
    }
    return engine;
  }

  // ---- executions -----------------------------------------------------------------------

  private async startExecution(machineArn: string, name: string | undefined, input: string): Promise<{ executionArn: string; startDate: number }> {
    if (this.closed) throw new SfnError('ServiceUnavailable', 'The runtime is shutting down');
    const machine = await this.machine(machineArn);
    parseJson(input, 'input');
    const execName = name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(execName)) throw new SfnError('InvalidName', `Invalid Name: '${execName}'`);
    const record: ExecutionRecord = {
      executionArn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${machine.record.name}:${execName}`,
      stateMachineArn: machineArn,
      name: execName,
      status: 'RUNNING',
      input,
      startDate: this.deps.clock.now(),
      redriveCount: 0,
    };
    const existing = await this.deps.store.createExecution(record);
    if (existing) {
      // As in AWS: the same name and input while running is the same request, answered again.
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn: existing.executionArn, startDate: existing.startDate / 1000 };
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
    }
    const run = this.launch(machine, record, machine.definition.StartAt, JSON.parse(input) as Json, 1);
    this.deps.onStatusChange?.(record);
    run.history.append('ExecutionStarted', { executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: machine.record.roleArn } });
    return { executionArn: record.executionArn, startDate: record.startDate / 1000 };
  }

  private async execution(executionArn: string): Promise<ExecutionRecord> {
    const { machineArn, name } = splitExecutionArn(executionArn);
    const record = await this.deps.store.getExecution(machineArn, name);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  private async describeExecution(executionArn: string): Promise<unknown> {
    const r = await this.execution(executionArn);
    return {
      ...executionSummary(r),
      input: r.input,
      inputDetails: { included: true },
      output: r.output,
      outputDetails: r.output === undefined ? undefined : { included: true },
      error: r.error,
      cause: r.cause,
      redriveDate: r.redriveDate === undefined ? undefined : r.redriveDate / 1000,
      redriveStatus: r.status === 'RUNNING' || r.status === 'SUCCEEDED' ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
    };
  }

  private async listExecutions(machineArn: string, status: ExecutionStatus | undefined, maxResults = 100, nextToken?: string): Promise<unknown> {
    await this.machine(machineArn);
    const all = (await this.deps.store.listExecutions(machineArn))
      .filter((e) => !status || e.status === status)
      .sort((a, b) => b.startDate - a.startDate || a.name.localeCompare(b.name));
    const { page, next } = paginate(all, maxResults || 100, nextToken);
    return {
      executions: page.map(executionSummary),
      nextToken: next,
    };
  }

  private async getExecutionHistory(executionArn: string, reverse: boolean, maxResults = 1000, nextToken?: string): Promise<unknown> {
    await this.execution(executionArn);
    await this.running.get(executionArn)?.history.flush();
    const events = (await this.deps.store.history(executionArn)).sort((a, b) => (reverse ? b.id - a.id : a.id - b.id));
    const { page, next } = paginate(events, maxResults || 1000, nextToken);
    return { events: page.map((e) => ({ ...e, timestamp: e.timestamp / 1000 })), nextToken: next };
  }

  private async stopExecution(executionArn: string, error?: string, cause?: string): Promise<unknown> {
    const record = await this.execution(executionArn);
    if (record.status !== 'RUNNING') return { stopDate: (record.stopDate ?? this.deps.clock.now()) / 1000 };
    const stopDate = this.deps.clock.now();
    const run = this.running.get(executionArn);
    if (run) {
      run.ending = 'stop';
      run.abort.abort();
      await run.done;
    }
    await this.finish(record, run?.history ?? (await this.detachedHistory(record)), 'ABORTED', { error, cause }, 'ExecutionAborted', { executionAbortedEventDetails: { error, cause } });
    return { stopDate: stopDate / 1000 };
  }

  /** Runs a failed, timed-out or stopped execution again from the state where it stopped. */
  private async redriveExecution(executionArn: string): Promise<unknown> {
    const record = await this.execution(executionArn);
    if (record.status === 'RUNNING' || record.status === 'SUCCEEDED' || !record.cursor) {
      throw new SfnError('ExecutionNotRedrivable', `Execution is not redrivable: status ${record.status}`);
    }
    const machine = await this.machine(record.stateMachineArn);
    const redriveDate = this.deps.clock.now();
    const ok = await this.deps.store.updateExecution(
      record.stateMachineArn,
      record.name,
      { status: 'RUNNING', redriveCount: record.redriveCount + 1, redriveDate, stopDate: undefined, error: undefined, cause: undefined, output: undefined, parked: undefined, waitUntil: undefined },
      record.status,
    );
    if (!ok) throw new SfnError('ExecutionNotRedrivable', 'The execution changed while being redriven');
    const updated: ExecutionRecord = { ...record, status: 'RUNNING', redriveCount: record.redriveCount + 1, redriveDate };
    const events = await this.deps.store.history(executionArn);
    const run = this.launch(machine, updated, record.cursor.stateName, JSON.parse(record.cursor.input) as Json, events.length + 1);
    run.history.append('ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: updated.redriveCount } });
    return { redriveDate: redriveDate / 1000 };
  }

  // ---- callbacks ------------------------------------------------------------------------

  private async sendTaskResult(token: string, outcome: { output: unknown } | { error: string; cause: string }): Promise<unknown> {
    const tokenHash = hashToken(token);
    const stored = await this.deps.store.getToken(tokenHash);
    if (!stored) throw new SfnError('InvalidToken', 'Invalid Token');
    const closed = (): SfnError => new SfnError('TaskTimedOut', 'Task Timed Out: the task token has expired or the task has already been closed');
    if (stored.status !== 'PARKED') throw closed();
    if (!this.waiters.has(tokenHash)) {
      // Nobody waits here: the execution ended (its token is then closed for good), or it is
      // being carried on after a restart and will take the stored outcome when it parks.
      const { machineArn, name } = splitExecutionArn(stored.executionArn);
      if ((await this.deps.store.getExecution(machineArn, name))?.status !== 'RUNNING') {
        await this.deps.store.closeToken(tokenHash, 'CLOSED');
        throw closed();
      }
    }
    if (!(await this.deps.store.closeToken(tokenHash, 'DONE', JSON.stringify(outcome)))) throw closed();
    // Accepted and stored with the token, as in AWS: a waiting run takes it now, another when it parks.
    this.waiters.get(tokenHash)?.settle(outcome);
    return {};
  }

  private async sendTaskHeartbeat(token: string): Promise<unknown> {
    const tokenHash = hashToken(token);
    const stored = await this.deps.store.getToken(tokenHash);
    if (!stored) throw new SfnError('InvalidToken', 'Invalid Token');
    const waiter = this.waiters.get(tokenHash);
    if (stored.status !== 'PARKED' || !waiter) throw new SfnError('TaskTimedOut', 'Task Timed Out');
    waiter.heartbeat();
    return {};
  }

  // ---- running an execution ---------------------------------------------------------------

  private launch(machine: Machine, record: ExecutionRecord, startAt: string, input: Json, firstEventId: number, resume?: Running['resume']): Running {
    const abort = new AbortController();
    const history = new History(this.deps.store, this.deps.clock, record, firstEventId);
    const run: Running = { record, machine, abort, history, resume, done: Promise.resolve() };
    this.running.set(record.executionArn, run);
    run.done = this.drive(run, startAt, input).finally(() => {
      if (this.running.get(record.executionArn) === run) this.running.delete(record.executionArn);
    });
    return run;
  }

  private async drive(run: Running, startAt: string, input: Json): Promise<void> {
    const { record, machine } = run;
    const handlers: Record<string, (input: unknown) => Promise<Json>> = {};
    for (const [stateName, state] of Object.entries(machine.definition.States)) {
      if (state.Type === 'Pass' && 'Result' in state && !state['Result']) {
        handlers[stateName] = async () => state['Result'] as Json;
      } else if (state.Type === 'Task' || state.Type === 'Wait') {
        handlers[stateName] = (wrapped) => {
          const { raw, params } = wrapped as { raw: Json; params?: Json };
          return this.runTask(run, stateName, state, 'params' in (wrapped as object) ? (params as Json) : raw, raw);
        };
      }
    }
    const mint = (): string => this.mintToken(run);
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
    const execution = this.engine(machine, startAt).run(input, {
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
    if (run.ending === 'timeout') {
      await this.finish(run.record, run.history, 'TIMED_OUT', { error: 'States.Timeout' }, 'ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } });
      return;
    }
    run.abort.abort();
    if (outcome.ok) {
      const output = JSON.stringify(outcome.output ?? null);
      await this.finish(run.record, run.history, 'SUCCEEDED', { output }, 'ExecutionSucceeded', { executionSucceededEventDetails: { output, outputDetails: { truncated: false } } });
    } else {
      await this.finish(run.record, run.history, 'FAILED', { error: outcome.error, cause: outcome.cause }, 'ExecutionFailed', { executionFailedEventDetails: { error: outcome.error, cause: outcome.cause } });
    }
  }

  private async finish(record: ExecutionRecord, history: History, status: ExecutionStatus, fields: { output?: string; error?: string; cause?: string }, eventType: string, details: Record<string, unknown>): Promise<void> {
    history.append(eventType, details);
    const stopDate = this.deps.clock.now();
    history.record({ status, ...fields, stopDate, parked: undefined, waitUntil: undefined });
    await history.flush();
    this.deps.onStatusChange?.({ ...record, status, ...fields, stopDate });
    // A task still parked belongs to nobody now: its token must not complete anything.
    for (const waiter of [...this.waiters.values()]) {
      if (waiter.executionArn !== record.executionArn) continue;
      this.waiters.delete(waiter.tokenHash);
      await this.deps.store.closeToken(waiter.tokenHash, 'CLOSED');
    }
  }

  private async detachedHistory(record: ExecutionRecord): Promise<History> {
    const events = await this.deps.store.history(record.executionArn);
    return new History(this.deps.store, this.deps.clock, record, events.length + 1);
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

  private mintToken(run: Running): string {
    const token = `${randomBytes(8).toString('hex')}.${randomBytes(48).toString('base64url')}`;
    run.lastMintedToken = token;
    return token;
  }

  /** A Task (or a Wait, which the engine sees as a Task): Retry, timeouts and the resource. */
  private async runTask(run: Running, stateName: string, state: StateDef, effective: Json, raw: Json): Promise<Json> {
    if (state.Type === 'Wait') return this.runWait(run, stateName, state, raw);
    const retriers = (state['Retry'] as Retrier[] | undefined) ?? [];
    const attempts = retriers.map(() => 0);
    let input = effective;
    let token = run.lastMintedToken && JSON.stringify(input).includes(run.lastMintedToken) ? run.lastMintedToken : undefined;
    let parked = takeResume(run, stateName)?.parked;
    for (;;) {
      try {
        return await this.attempt(run, stateName, state, input, raw, token, parked);
      } catch (error) {
        if (run.abort.signal.aborted) throw error;
        const err = error as Error;
        const index = retriers.findIndex((r) => errorMatches(r.ErrorEquals, err.name));
        const retrier = retriers[index];
        if (!retrier || (attempts[index] ?? 0) >= (retrier.MaxAttempts ?? 3)) throw error;
        const base = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, attempts[index] ?? 0);
        const capped = Math.min(base, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
        const delayMs = (retrier.JitterStrategy === 'FULL' ? Math.random() * capped : capped) * 1000;
        attempts[index] = (attempts[index] ?? 0) + 1;
        parked = undefined;
        await this.deps.clock.sleep(delayMs, run.abort.signal);
        if (run.abort.signal.aborted) throw error;
        if (token) {
          // A retried callback task gets a new token, as in AWS; the old one is dead.
          const fresh = this.mintToken(run);
          input = JSON.parse(JSON.stringify(input).split(token).join(fresh)) as Json;
          token = fresh;
        }
      }
    }
  }

  private async attempt(run: Running, stateName: string, state: StateDef, input: Json, raw: Json, token: string | undefined, parked: Parked | undefined): Promise<Json> {
    const resource = String(state['Resource']);
    const kind = describeResource(resource);
    const resourceType = kind.kind === 'lambda' ? 'lambda' : kind.service;
    const resourceName = kind.kind === 'lambda' ? (kind.style === 'arn' ? resource : 'invoke') : kind.action;
    const short = `${resourceName}${kind.waitForTaskToken ? '.waitForTaskToken' : ''}`;
    const timeoutS = numberField(state, 'TimeoutSeconds', raw) ?? AWS_DEFAULT_TASK_TIMEOUT_S;
    const heartbeatS = numberField(state, 'HeartbeatSeconds', raw);
    const h = run.history;

    if (kind.waitForTaskToken) {
      if (!token) throw new TaskError('States.Runtime', `${stateName} waits for a task token but does not pass $$.Task.Token`);
      let outcome: Awaited<ReturnType<StepFunctionsService['park']>>;
      if (!parked) {
        // The token is valid from the moment the task is scheduled, as in AWS: it is registered
        // (and waited for) before the Lambda runs, so a decision that arrives while the Lambda
        // is still returning is not lost.
        const now = this.deps.clock.now();
        parked = { stateName, tokenHash: hashToken(token), deadline: now + timeoutS * 1000, heartbeatSeconds: heartbeatS, heartbeatDeadline: heartbeatS === undefined ? undefined : now + heartbeatS * 1000 };
        await this.deps.store.putToken(parked.tokenHash, run.record.executionArn, stateName);
        h.record({ parked });
        const cancel = new AbortController();
        const waiting = this.park(run, parked, cancel.signal);
        waiting.catch(() => undefined);
        // AWS shows the token in this event; here it is kept out of stored history (DESIGN 2.2:
        // no task token stored in clear). Whoever needs it gets it as the Lambda does.
        const parameters = JSON.stringify(input).split(token).join(REDACTED_TOKEN);
        h.task(stateName, 'TaskScheduled', { taskScheduledEventDetails: { resourceType, resource: short, region: LOCAL_REGION, parameters, timeoutInSeconds: timeoutS, heartbeatInSeconds: heartbeatS } });
        h.task(stateName, 'TaskStarted', { taskStartedEventDetails: { resourceType, resource: short } });
        let submitted: unknown;
        try {
          submitted = await invokeResource(resource, input, this.deps);
        } catch (error) {
          cancel.abort();
          await this.deps.store.closeToken(parked.tokenHash, 'CLOSED');
          h.record({ parked: undefined });
          const err = error as Error;
          h.task(stateName, 'TaskFailed', { taskFailedEventDetails: { resourceType, resource: short, error: err.name, cause: err.message } });
          throw error;
        }
        h.task(stateName, 'TaskSubmitted', { taskSubmittedEventDetails: { resourceType, resource: short, output: JSON.stringify(submitted ?? null) } });
        outcome = await waiting;
      } else {
        // A restart: the decision may have been accepted (token DONE) before the runtime stopped.
        const stored = await this.deps.store.getToken(parked.tokenHash);
        outcome = stored?.status === 'DONE' && stored.outcome ? (JSON.parse(stored.outcome) as typeof outcome) : await this.park(run, parked);
      }
      h.record({ parked: undefined });
      if ('output' in outcome) {
        h.task(stateName, 'TaskSucceeded', { taskSucceededEventDetails: { resourceType, resource: short, output: JSON.stringify(outcome.output) } });
        return outcome.output as Json;
      }
      if ('timedOut' in outcome) {
        h.task(stateName, 'TaskTimedOut', { taskTimedOutEventDetails: { resourceType, resource: short, error: outcome.timedOut, cause: '' } });
        throw new TaskError(outcome.timedOut, `${stateName} timed out`);
      }
      h.task(stateName, 'TaskFailed', { taskFailedEventDetails: { resourceType, resource: short, error: outcome.error, cause: outcome.cause } });
      throw new TaskError(outcome.error, outcome.cause);
    }

    h.task(stateName, 'TaskScheduled', { taskScheduledEventDetails: { resourceType, resource: short, region: LOCAL_REGION, parameters: JSON.stringify(input), timeoutInSeconds: timeoutS } });
    h.task(stateName, 'TaskStarted', { taskStartedEventDetails: { resourceType, resource: short } });
    const timeout = new AbortController();
    const abortTimeout = (): void => timeout.abort();
    run.abort.signal.addEventListener('abort', abortTimeout, { once: true });
    try {
      // A compute step's timeout bounds work, not workflow time: it runs on the wall clock, so a
      // test that moves the workflow clock by a year does not time out a Lambda mid-call.
      const result = await Promise.race([
        invokeResource(resource, input, this.deps),
        realSleep(Math.min(timeoutS * 1000, MAX_REAL_TIMEOUT_MS), timeout.signal).then(() => {
          if (timeout.signal.aborted) return new Promise<never>(() => undefined);
          throw new TaskError('States.Timeout', `${stateName} did not finish within ${timeoutS} seconds`);
        }),
      ]);
      h.task(stateName, 'TaskSucceeded', { taskSucceededEventDetails: { resourceType, resource: short, output: JSON.stringify(result ?? null) } });
      return result as Json;
    } catch (error) {
      const err = error as Error;
      const type = err.name === 'States.Timeout' ? 'TaskTimedOut' : 'TaskFailed';
      h.task(stateName, type, { [type === 'TaskTimedOut' ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails']: { resourceType, resource: short, error: err.name, cause: err.message } });
      throw error;
    } finally {
      timeout.abort();
      run.abort.signal.removeEventListener('abort', abortTimeout);
    }
  }

  /** Waits for SendTask*, a heartbeat timeout, the task timeout or the end of the execution. */
  private park(run: Running, parked: Parked, cancel?: AbortSignal): Promise<{ output: unknown } | { error: string; cause: string } | { timedOut: string }> {
    return new Promise((resolve, reject) => {
      let heartbeatDeadline = parked.heartbeatDeadline;
      let tick = new AbortController();
      let settled = false;
      const done = (value: Parameters<typeof resolve>[0] | Error): void => {
        if (settled) return;
        settled = true;
        tick.abort();
        this.waiters.delete(parked.tokenHash);
        run.abort.signal.removeEventListener('abort', onAbort);
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      const onAbort = (): void => done(new TaskError('States.Runtime', 'Execution ended'));
      run.abort.signal.addEventListener('abort', onAbort, { once: true });
      cancel?.addEventListener('abort', () => done(new TaskError('States.Runtime', 'Task not submitted')), { once: true });
      const schedule = (): void => {
        // This sleep's own controller: a heartbeat aborts it and schedules the next, whose
        // controller the shared `tick` then holds.
        const mine = new AbortController();
        tick = mine;
        const deadline = Math.min(parked.deadline, heartbeatDeadline ?? Number.POSITIVE_INFINITY);
        void this.deps.clock.sleepUntil(deadline, mine.signal).then(async () => {
          if (settled || mine.signal.aborted) return;
          const which = heartbeatDeadline !== undefined && heartbeatDeadline < parked.deadline ? 'States.HeartbeatTimeout' : 'States.Timeout';
          if (await this.deps.store.closeToken(parked.tokenHash, 'CLOSED')) return done({ timedOut: which });
          // Closed already: by a decision no waiter was here to take (its outcome is stored), or by
          // a timeout before a restart. Either way the wait is over.
          done((await storedOutcome()) ?? { timedOut: which });
        });
      };
      const storedOutcome = async (): Promise<{ output: unknown } | { error: string; cause: string } | undefined> => {
        const stored = await this.deps.store.getToken(parked.tokenHash);
        return stored?.status === 'DONE' && stored.outcome ? (JSON.parse(stored.outcome) as { output: unknown } | { error: string; cause: string }) : undefined;
      };
      this.waiters.set(parked.tokenHash, {
        tokenHash: parked.tokenHash,
        executionArn: run.record.executionArn,
        settle: (outcome) => done(outcome),
        heartbeat: () => {
          if (parked.heartbeatSeconds === undefined) return;
          heartbeatDeadline = this.deps.clock.now() + parked.heartbeatSeconds * 1000;
          tick.abort();
          schedule();
        },
      });
      schedule();
      // A decision accepted before this waiter was registered is taken at once.
      void storedOutcome().then((outcome) => outcome && done(outcome), () => undefined);
    });
  }

  private async runWait(run: Running, stateName: string, state: StateDef, input: Json): Promise<Json> {
    const resumed = takeResume(run, stateName)?.waitUntil;
    const until = resumed ?? waitDeadline(state, input, this.deps.clock.now());
    run.history.record({ waitUntil: until });
    await this.deps.clock.sleepUntil(until, run.abort.signal);
    if (run.abort.signal.aborted) throw new TaskError('States.Runtime', 'Execution ended');
    run.history.record({ waitUntil: undefined });
    return input;
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Carries on every execution that was running when the runtime last stopped. */
  async resumeAll(): Promise<number> {
    const pending = await this.deps.store.runningExecutions();
    for (const record of pending) {
      if (this.running.has(record.executionArn)) continue;
      const machine = await this.machine(record.stateMachineArn);
      const events = await this.deps.store.history(record.executionArn);
      const cursor: Cursor = record.cursor ?? { stateName: machine.definition.StartAt, input: record.input };
      const resume = { stateName: cursor.stateName, parked: record.parked, waitUntil: record.waitUntil, skipEntered: record.cursor !== undefined };
      this.launch(machine, record, cursor.stateName, JSON.parse(cursor.input) as Json, events.length + 1, resume);
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
}

/**
 * What a restart left for the state being entered now: given once, to the first attempt of the
 * state the execution was carried on at. Any later entry (a Retry, a Catch looping back, a Wait
 * entered again) starts afresh.
 */
function takeResume(run: Running, stateName: string): Pick<NonNullable<Running['resume']>, 'parked' | 'waitUntil'> | undefined {
  const resume = run.resume;
  if (!resume || resume.taken || resume.stateName !== stateName) return undefined;
  resume.taken = true;
  return { parked: resume.parked, waitUntil: resume.waitUntil };
}

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

function errorMatches(errorEquals: readonly string[], name: string): boolean {
  const timeout = name === 'States.Timeout' || name === 'States.HeartbeatTimeout';
  return errorEquals.some((e) => e === name || e === 'States.ALL' || (e === 'States.TaskFailed' && !timeout));
}

function numberField(state: StateDef, field: 'TimeoutSeconds' | 'HeartbeatSeconds', input: Json): number | undefined {
  const direct = state[field];
  if (typeof direct === 'number') return direct;
  const path = state[`${field}Path`];
  if (typeof path === 'string') {
    const value = readPath(path, input);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new TaskError('States.Runtime', `${field}Path ${path} must resolve to a positive integer`);
    return value;
  }
  return undefined;
}

function waitDeadline(state: StateDef, input: Json, now: number): number {
  if (typeof state['Seconds'] === 'number') return now + state['Seconds'] * 1000;
  if (typeof state['Timestamp'] === 'string') return Date.parse(state['Timestamp']);
  if (typeof state['SecondsPath'] === 'string') {
    const seconds = readPath(state['SecondsPath'], input);
    if (typeof seconds !== 'number' || seconds < 0) throw new TaskError('States.Runtime', `SecondsPath ${state['SecondsPath']} must resolve to a non-negative number`);
    return now + seconds * 1000;
  }
  if (typeof state['TimestampPath'] === 'string') {
    const at = readPath(state['TimestampPath'], input);
    const ms = typeof at === 'string' ? Date.parse(at) : Number.NaN;
    if (Number.isNaN(ms)) throw new TaskError('States.Runtime', `TimestampPath ${state['TimestampPath']} must resolve to an RFC 3339 timestamp`);
    return ms;
  }
  throw new TaskError('States.Runtime', 'A Wait state needs Seconds, Timestamp, SecondsPath or TimestampPath');
}

/** Parses and checks a definition as CreateStateMachine does; JSONata is refused. */
export function validateDefinition(text: string): Definition {
  let definition: Definition;
  try {
    definition = JSON.parse(text) as Definition;
  } catch {
    throw new SfnError('InvalidDefinition', 'Invalid State Machine Definition: not JSON');
  }
  if (/"QueryLanguage"\s*:\s*"JSONata"/.test(text)) {
    throw new SfnError('InvalidDefinition', 'Invalid State Machine Definition: JSONata is not supported here; write JSONPath');
  }
  try {
    new StateMachine(definition as unknown as EngineDefinition);
  } catch (error) {
    throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: ${(error as Error).message}`);
  }
  return definition;
}

/**
 * What the engine runs: Wait states become Tasks this service handles (so they sleep on the
 * runtime's clock), Retry, timeouts and heartbeats are removed (this service applies them on
 * the clock), every Task's handler receives `{ raw, params }` (the state input, which
 * `TimeoutSecondsPath` and friends read, and the evaluated Parameters), and the entry state is
 * the one asked for (a resume or redrive starts mid-way).
 */
function engineDefinition(definition: Definition, startAt: string): EngineDefinition {
  const states: Record<string, StateDef> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Wait') {
      const { Seconds: _s, Timestamp: _t, SecondsPath: _sp, TimestampPath: _tp, ...rest } = state;
      states[name] = { ...rest, Type: 'Task', Resource: 'arn:aws:states:::local:wait', Parameters: { 'raw.$': '$' }, TimeoutSeconds: ENGINE_TIMEOUT_S };
    } else if (state.Type === 'Pass' && 'Result' in state && !state['Result']) {
      // The engine ignores a falsy Result (0, false, "", null) and passes the input on; this
      // service hands the Result back instead.
      const { Result: _result, Parameters: _p, ...rest } = state;
      states[name] = { ...rest, Type: 'Task', Resource: 'arn:aws:states:::local:pass', Parameters: { 'raw.$': '$' }, TimeoutSeconds: ENGINE_TIMEOUT_S };
    } else if (state.Type === 'Task') {
      const { Retry: _r, TimeoutSecondsPath: _tsp, HeartbeatSeconds: _h, HeartbeatSecondsPath: _hp, Parameters: parameters, ...rest } = state;
      // The handler gets the state input (for *Path fields, which read it) beside the Parameters.
      const wrapped = parameters === undefined ? { 'raw.$': '$' } : { 'raw.$': '$', params: parameters };
      states[name] = { ...rest, Parameters: wrapped, TimeoutSeconds: ENGINE_TIMEOUT_S };
    } else {
      states[name] = state;
    }
  }
  const { TimeoutSeconds: _timeout, ...top } = definition;
  return { ...top, StartAt: startAt, States: states } as unknown as EngineDefinition;
}

/** What ListExecutions gives of an execution, and DescribeExecution starts from (AWS epoch seconds). */
function executionSummary(e: ExecutionRecord) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate / 1000,
    stopDate: e.stopDate === undefined ? undefined : e.stopDate / 1000,
    redriveCount: e.redriveCount,
  };
}

/** One page of a list, with the token for the next (an offset: lists here are small and stable). */
function paginate<T>(items: readonly T[], maxResults: number, nextToken: string | undefined): { page: T[]; next?: string } {
  const start = nextToken ? Number(Buffer.from(nextToken, 'base64url').toString()) : 0;
  const page = items.slice(start, start + Math.max(1, Math.min(maxResults, 1000)));
  const end = start + page.length;
  return { page, next: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function splitExecutionArn(executionArn: string): { machineArn: string; name: string } {
  const parts = executionArn.split(':');
  if (parts.length !== 8 || parts[5] !== 'execution') throw new SfnError('InvalidArn', `Invalid Arn: '${executionArn}'`);
  return { machineArn: [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':'), name: parts[7] ?? '' };
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SfnError('InvalidOutput', `${field} is not valid JSON`);
  }
}

/**
 * Writes an execution's history in AWS event shapes, in order. The engine reports state
 * entries a moment after they happen, so task events that arrive before their state's entry
 * is written wait for it.
 */
class History {
  private nextId: number;
  /** Writes not yet stored, in order: runs of events go in one batch, runs of record updates in one update. */
  private readonly pending: ({ kind: 'event'; event: HistoryEvent } | { kind: 'record'; fields: Partial<ExecutionRecord> })[] = [];
  private writing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private current?: string;
  private readonly early = new Map<string, [string, Record<string, unknown>][]>();

  constructor(private readonly store: SfnStore, private readonly clock: Clock, private readonly execution: ExecutionRecord, firstId: number) {
    this.nextId = firstId;
  }

  append(type: string, details: Record<string, unknown>): void {
    const event: HistoryEvent = { id: this.nextId, previousEventId: this.nextId - 1, timestamp: this.clock.now(), type, ...details };
    this.nextId++;
    this.pending.push({ kind: 'event', event });
    this.kick();
  }

  /** Updates the execution record, in order with the history. */
  record(fields: Partial<ExecutionRecord>): void {
    this.pending.push({ kind: 'record', fields });
    this.kick();
  }

  entered(stateName: string, type: string, input: unknown, resumed: boolean): void {
    const inputJson = JSON.stringify(input ?? null);
    if (!resumed) this.append(`${type}StateEntered`, { stateEnteredEventDetails: { name: stateName, input: inputJson, inputDetails: { truncated: false } } });
    this.record({ cursor: { stateName, input: inputJson } });
    this.current = stateName;
    for (const [t, d] of this.early.get(stateName) ?? []) this.append(t, d);
    this.early.delete(stateName);
  }

  task(stateName: string, type: string, details: Record<string, unknown>): void {
    if (this.current === stateName) this.append(type, details);
    else this.early.set(stateName, [...(this.early.get(stateName) ?? []), [type, details]]);
  }

  exited(stateName: string, type: string, output: unknown): void {
    for (const [t, d] of this.early.get(stateName) ?? []) this.append(t, d);
    this.early.delete(stateName);
    this.append(`${type}StateExited`, { stateExitedEventDetails: { name: stateName, output: JSON.stringify(output ?? null), outputDetails: { truncated: false } } });
    this.current = undefined;
  }

  /** Resolves once everything appended or recorded so far is stored. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.write();
    }
    while (this.writing) await this.writing;
  }

  /**
   * Writes are gathered for a few milliseconds and then go out together: every event gathered
   * as one batch, then every record update gathered, merged (later fields win), as one update.
   * The runtime is storage-bound (DynamoDB Local spends milliseconds of CPU per request), and
   * an execution's events come in bursts (a state's exit, the next one's entry and its task).
   * The record follows the events it came with, so a stored cursor never runs ahead of the
   * stored history.
   */
  private kick(): void {
    if (this.writing || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, HISTORY_COALESCE_MS);
  }

  private write(): void {
    this.writing = (async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.pending.length);
        const events = batch.flatMap((p) => (p.kind === 'event' ? [p.event] : []));
        const records = batch.flatMap((p) => (p.kind === 'record' ? [p.fields] : []));
        try {
          // Events first, then the record: a stored cursor never runs ahead of the stored history.
          // Writing the same events again is harmless (same keys), so a failed batch is retried.
          if (events.length) await withRetries(() => this.store.putEvents(this.execution.executionArn, events));
          if (records.length) await withRetries(() => this.store.updateExecution(this.execution.stateMachineArn, this.execution.name, Object.assign({}, ...records) as Partial<ExecutionRecord>));
        } catch (error) {
          // Still failing after the retries: keep the batch (never drop history) and try again later.
          console.error(`[stepfunctions] could not write history of ${this.execution.name}, will retry: ${(error as Error).message}`);
          this.pending.unshift(...batch);
          await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_PAUSE_MS));
        }
      }
    })().finally(() => {
      this.writing = undefined;
      // Appended between the loop's last look and now: write it too.
      if (this.pending.length > 0) this.kick();
    });
  }
}

const WRITE_RETRY_PAUSE_MS = 1000;

/** A storage call, tried again with a short back-off while it fails (DynamoDB Local under load). */
async function withRetries<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
}
