import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { Machines, validateDefinition, type Json } from './definition';
import { checkMachineArn, executionArn, machineArn, SfnError, splitExecutionArn } from './errors';
import { Executor } from './executor';
import type { IntegrationDeps } from './integrations';
import { nextEventId, type ExecutionRecord, type ExecutionStatus, type ExecutionSummary, type MachineRecord, type SfnStore } from './store';
import { Tasks } from './tasks';

export { SfnError, splitExecutionArn } from './errors';
export { validateDefinition } from './definition';
export { hashToken, REDACTED_TOKEN } from './tasks';

export interface SfnServiceDeps extends IntegrationDeps {
  readonly store: SfnStore;
  readonly clock: Clock;
  /** Called as AWS publishes "Step Functions Execution Status Change" events. */
  readonly onStatusChange?: (execution: ExecutionRecord) => void;
}

const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
/** ListExecutions also takes PENDING_REDRIVE; no execution here is ever in it (a redrive starts at once). */
const STATUS_FILTERS: readonly string[] = [...STATUSES, 'PENDING_REDRIVE'];

/**
 * What AWS refuses in an execution name: white space, brackets `< > { } [ ]`, wildcards `? *`,
 * the special characters `" # % \ ^ | ~ \` $ & , ; : /` and control characters; 1 to 80 of the
 * rest (`.` and `@` included).
 */
// eslint-disable-next-line no-control-regex -- control characters are what the rule refuses
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/u;

/**
 * The local Step Functions service: the AWS JSON API (this module) over executions whose ASL is
 * interpreted by `aws-local-stepfunctions`. The parts, each in its own module:
 * - `definition.ts`: parsing and validating ASL, the machines known, the engine's view of them;
 * - `executor.ts`: running an execution, its timeout, its end, carrying it on after a restart;
 * - `tasks.ts`: Task and Wait states: Retry, timeouts, heartbeats, task tokens and callbacks;
 * - `history.ts`: the execution history in AWS's event shapes, written in order;
 * - `integrations.ts`: what a Task's Resource calls; `store.ts`: persistence (DynamoDB Local).
 * The States Language rules they share with the application live in functions/shared/asl.ts.
 */
export class StepFunctionsService {
  private readonly machines: Machines;
  private readonly tasks: Tasks;
  private readonly executor: Executor;
  /**
   * The rest of a listing, by the nextToken its page gave (a few, for a minute): the next page
   * is served from it instead of listing every execution again, so listing N executions page by
   * page costs one listing, not one per page.
   */
  private readonly listings = new Map<string, { readonly items: readonly ExecutionSummary[]; readonly at: number }>();

  constructor(private readonly deps: SfnServiceDeps) {
    this.machines = new Machines(deps.store);
    this.tasks = new Tasks(deps);
    this.executor = new Executor({ store: deps.store, clock: deps.clock, machines: this.machines, tasks: this.tasks, onStatusChange: deps.onStatusChange });
  }

  machineArn(name: string): string {
    return machineArn(name);
  }

  /** Dispatches one API call by its `X-Amz-Target` operation. */
  async handle(operation: string, body: Record<string, unknown>): Promise<unknown> {
    const str = (key: string): string => {
      const v = body[key];
      if (typeof v !== 'string' || v === '') throw new SfnError('ValidationException', `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`);
      return v;
    };
    const optional = (key: string): string | undefined => (typeof body[key] === 'string' ? body[key] : undefined);
    switch (operation) {
      case 'CreateStateMachine':
        return this.createStateMachine(str('name'), str('definition'), String(body['roleArn'] ?? ''), false);
      case 'UpdateStateMachine':
        return this.updateStateMachine(checkMachineArn(str('stateMachineArn')), str('definition'));
      case 'DescribeStateMachine':
        return this.describeStateMachine(checkMachineArn(str('stateMachineArn')));
      case 'DeleteStateMachine':
        return this.deleteStateMachine(checkMachineArn(str('stateMachineArn')));
      case 'ListStateMachines':
        return this.listStateMachines();
      case 'StartExecution':
        return this.startExecution(checkMachineArn(str('stateMachineArn')), optional('name'), optional('input') ?? '{}');
      case 'DescribeExecution':
        return this.describeExecution(str('executionArn'));
      case 'ListExecutions':
        return this.listExecutions(checkMachineArn(str('stateMachineArn')), statusFilter(body['statusFilter']), pageSize(body['maxResults'], 100), body['nextToken']);
      case 'GetExecutionHistory':
        return this.getExecutionHistory(str('executionArn'), body['reverseOrder'] === true, pageSize(body['maxResults'], 1000), pageStart(body['nextToken']));
      case 'StopExecution':
        return this.stopExecution(str('executionArn'), optional('error'), optional('cause'));
      case 'RedriveExecution':
        return this.redriveExecution(str('executionArn'));
      case 'SendTaskSuccess':
        await this.tasks.complete(str('taskToken'), { output: parseJson(str('output'), 'InvalidOutput', 'output') });
        return {};
      case 'SendTaskFailure':
        await this.tasks.complete(str('taskToken'), { error: String(body['error'] ?? ''), cause: String(body['cause'] ?? '') });
        return {};
      case 'SendTaskHeartbeat':
        await this.tasks.heartbeat(str('taskToken'));
        return {};
      default:
        throw new SfnError('UnknownOperationException', `The embedded runtime does not implement ${operation}`);
    }
  }

  // ---- state machines -------------------------------------------------------------------

  /**
   * Creates (or, for the runtime's own bootstrap, replaces) a state machine. The bootstrap's own
   * definitions skip the schema check (`schema: false`; see `validateDefinition`).
   */
  async createStateMachine(name: string, definitionText: string, roleArn: string, replace: boolean, { schema = true }: { readonly schema?: boolean } = {}): Promise<{ stateMachineArn: string; creationDate: number }> {
    const arn = machineArn(name);
    const definition = validateDefinition(definitionText, { schema });
    const existing = await this.deps.store.getMachine(arn);
    if (existing && !replace && existing.definition !== definitionText) {
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const record: MachineRecord = existing && !replace ? existing : { arn, name, definition: definitionText, roleArn, createdAt: existing?.createdAt ?? this.deps.clock.now() };
    if (!existing || replace) await this.deps.store.putMachine(record);
    this.machines.hold(record, definition);
    return { stateMachineArn: arn, creationDate: record.createdAt / 1000 };
  }

  private async updateStateMachine(arn: string, definitionText: string): Promise<{ updateDate: number }> {
    const machine = await this.machines.get(arn);
    await this.createStateMachine(machine.record.name, definitionText, machine.record.roleArn, true);
    return { updateDate: this.deps.clock.now() / 1000 };
  }

  private async describeStateMachine(arn: string): Promise<unknown> {
    const { record } = await this.machines.get(arn);
    return {
      stateMachineArn: arn,
      name: record.name,
      status: 'ACTIVE',
      definition: record.definition,
      roleArn: record.roleArn,
      type: 'STANDARD',
      creationDate: record.createdAt / 1000,
      // What AWS shows for a machine with logging and X-Ray tracing off (this runtime has neither).
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  /**
   * AWS marks the machine DELETING, ends its running executions at their next transition and
   * then removes it. Here all of that happens before the answer: the running executions are
   * stopped (ABORTED, cause "state machine deleted") and the machine is gone. Their records and
   * histories stay readable. Deleting a machine that does not exist succeeds, as in AWS.
   */
  private async deleteStateMachine(arn: string): Promise<unknown> {
    const record = await this.deps.store.getMachine(arn);
    if (!record) return {};
    const stopDate = this.deps.clock.now();
    for (const execution of this.executor.runningOf(arn)) {
      await this.executor.stop(execution, stopDate, 'States.Runtime', `The state machine ${record.name} was deleted`);
    }
    await this.deps.store.deleteMachine(arn);
    this.machines.forget(arn);
    return {};
  }

  private async listStateMachines(): Promise<unknown> {
    const all = await this.deps.store.listMachines();
    return { stateMachines: all.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: m.createdAt / 1000 })) };
  }

  // ---- executions -----------------------------------------------------------------------

  private async startExecution(stateMachineArn: string, name: string | undefined, input: string): Promise<{ executionArn: string; startDate: number }> {
    if (!this.executor.accepting) throw new SfnError('ServiceUnavailable', 'The runtime is shutting down');
    const machine = await this.machines.get(stateMachineArn);
    const parsed = parseJson(input, 'InvalidExecutionInput', 'input') as Json;
    const execName = name ?? randomUUID();
    if (!EXECUTION_NAME.test(execName)) throw new SfnError('InvalidName', `Invalid Name: '${execName}' (1 to 80 characters, without white space, brackets, wildcards, " # % \\ ^ | ~ \` $ & , ; : / or control characters)`);
    const record: ExecutionRecord = {
      executionArn: executionArn(machine.record.name, execName),
      stateMachineArn,
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
    const run = this.executor.launch(machine, record, machine.definition.StartAt, parsed, 1);
    this.deps.onStatusChange?.(record);
    run.history.append('ExecutionStarted', { executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: machine.record.roleArn } });
    return { executionArn: record.executionArn, startDate: record.startDate / 1000 };
  }

  private async execution(arn: string): Promise<ExecutionRecord> {
    const { machineArn: ofMachine, name } = splitExecutionArn(arn);
    const record = await this.deps.store.getExecution(ofMachine, name);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  private async describeExecution(arn: string): Promise<unknown> {
    const r = await this.execution(arn);
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

  private async listExecutions(stateMachineArn: string, status: string | undefined, maxResults: number, token: unknown): Promise<unknown> {
    const start = pageStart(token);
    await this.machines.get(stateMachineArn);
    const key = `${stateMachineArn} ${status ?? ''} ${String(token)}`;
    const now = Date.now();
    for (const [k, v] of this.listings) if (now - v.at > LISTING_KEPT_MS) this.listings.delete(k);
    const kept = this.listings.get(key);
    this.listings.delete(key);
    const all =
      kept?.items ??
      (await this.deps.store.listExecutions(stateMachineArn)).filter((e) => !status || e.status === status).sort((a, b) => b.startDate - a.startDate || a.name.localeCompare(b.name));
    const { page, next } = paginate(all, maxResults, start);
    if (next) {
      if (this.listings.size >= LISTINGS_KEPT) this.listings.delete(this.listings.keys().next().value ?? '');
      this.listings.set(`${stateMachineArn} ${status ?? ''} ${next}`, { items: all, at: now });
    }
    return { executions: page.map(executionSummary), nextToken: next };
  }

  private async getExecutionHistory(arn: string, reverse: boolean, maxResults: number, start: number): Promise<unknown> {
    await this.execution(arn);
    await this.executor.flush(arn);
    const events = (await this.deps.store.history(arn)).sort((a, b) => (reverse ? b.id - a.id : a.id - b.id));
    const { page, next } = paginate(events, maxResults, start);
    return { events: page.map((e) => ({ ...e, timestamp: e.timestamp / 1000 })), nextToken: next };
  }

  /** The answer's stopDate is the one DescribeExecution and the ExecutionAborted event show. */
  private async stopExecution(arn: string, error?: string, cause?: string): Promise<unknown> {
    const record = await this.execution(arn);
    if (record.status !== 'RUNNING') return { stopDate: (record.stopDate ?? this.deps.clock.now()) / 1000 };
    const stopDate = this.deps.clock.now();
    await this.executor.stop(record, stopDate, error, cause);
    return { stopDate: stopDate / 1000 };
  }

  /** Runs a failed, timed-out or stopped execution again from the state where it stopped. */
  private async redriveExecution(arn: string): Promise<unknown> {
    const record = await this.execution(arn);
    if (record.status === 'RUNNING' || record.status === 'SUCCEEDED' || !record.cursor) {
      throw new SfnError('ExecutionNotRedrivable', `Execution is not redrivable: status ${record.status}`);
    }
    const machine = await this.machines.get(record.stateMachineArn);
    const redriveDate = this.deps.clock.now();
    const ok = await this.deps.store.updateExecution(
      record.stateMachineArn,
      record.name,
      { status: 'RUNNING', redriveCount: record.redriveCount + 1, redriveDate, stopDate: undefined, error: undefined, cause: undefined, output: undefined, parked: undefined, waitUntil: undefined },
      record.status,
    );
    if (!ok) throw new SfnError('ExecutionNotRedrivable', 'The execution changed while being redriven');
    // What the update above left: the History writes this record whole from now on.
    const { stopDate: _stopDate, error: _error, cause: _cause, output: _output, parked: _parked, waitUntil: _waitUntil, ...kept } = record;
    const updated: ExecutionRecord = { ...kept, status: 'RUNNING', redriveCount: record.redriveCount + 1, redriveDate };
    const events = await this.deps.store.history(arn);
    const run = this.executor.launch(machine, updated, record.cursor.stateName, JSON.parse(record.cursor.input) as Json, nextEventId(events));
    run.history.append('ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: updated.redriveCount } });
    return { redriveDate: redriveDate / 1000 };
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Carries on every execution that was running when the runtime last stopped. */
  resumeAll(): Promise<number> {
    return this.executor.resumeAll();
  }

  /** Stops driving executions without ending them: a later start carries them on. */
  shutdown(): Promise<void> {
    return this.executor.shutdown();
  }

  /**
   * History events appended to `machineArn`'s executions since this runtime started, by type
   * (`TaskFailed`: 12, …): what reading every history back would count, at no cost.
   */
  eventCounts(machineArn: string): Record<string, number> {
    return this.executor.events.of(machineArn);
  }

  /** Executions being driven now (for operators and tests). */
  runningCount(): number {
    return this.executor.runningCount();
  }
}

/** How many listings' rests are kept for their next page, and how long (ms). */
const LISTINGS_KEPT = 8;
const LISTING_KEPT_MS = 60_000;

/** What ListExecutions gives of an execution, and DescribeExecution starts from (AWS epoch seconds). */
function executionSummary(e: ExecutionSummary) {
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

function validationError(field: string, value: unknown, constraint: string): SfnError {
  return new SfnError('ValidationException', `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

/** ListExecutions' statusFilter: one of AWS's execution statuses, or none. */
function statusFilter(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !STATUS_FILTERS.includes(value)) throw validationError('statusFilter', value, `Member must satisfy enum value set: [${STATUS_FILTERS.join(', ')}]`);
  return value;
}

/** maxResults: 0 to 1000, where 0 (or none) means the operation's default. */
function pageSize(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1000) {
    throw validationError('maxResults', value, 'Member must have value greater than or equal to 0 and less than or equal to 1000');
  }
  return value || fallback;
}

const PAGE_TOKEN = /^sfn-page:(\d{1,9})$/;

/** Where the page a nextToken asks for starts; a token this service did not give is InvalidToken, as in AWS. */
function pageStart(token: unknown): number {
  if (token === undefined || token === null) return 0;
  const match = typeof token === 'string' ? PAGE_TOKEN.exec(Buffer.from(token, 'base64url').toString('utf8')) : null;
  if (!match || Buffer.from(match[0]).toString('base64url') !== token) throw new SfnError('InvalidToken', `Invalid Token: '${String(token)}'`);
  return Number(match[1]);
}

/** One page of a list, with the token for the next (an offset: lists here are small and stable). */
function paginate<T>(items: readonly T[], maxResults: number, start: number): { page: T[]; next?: string } {
  const page = items.slice(start, start + maxResults);
  const end = start + page.length;
  return { page, next: end < items.length ? Buffer.from(`sfn-page:${end}`).toString('base64url') : undefined };
}

function parseJson(text: string, errorType: 'InvalidExecutionInput' | 'InvalidOutput', field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SfnError(errorType, `${field} is not valid JSON`);
  }
}
