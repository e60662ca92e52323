import * as z from 'zod/mini';
import { Conflict, NotFound, ValidationFailed } from '#shared/errors';
import { lazy } from '#shared/lazy';
import type { Task } from '../../tasks/domain/task';
import { standing } from '../../tasks/domain/task';
import { isRedrivable, WORKFLOWS, type ExecutionDetail, type ExecutionStatus, type ExecutionSummary, type PendingTask, type RedriveResult, type Subject, type Workflow } from '../contract';
import { expectedSeconds, isStuck, statesOf } from './expected';
import { redactCause, redactJson, type RedactMode } from './redact';
import { currentStep, executionFailure, stepsOf, timelineOf, type HistoryEventLike, type StepRecord } from './timeline';
import { MACHINE_OF, PACKET_ID, REQUEST_ID, subjectOf } from './workflows';

/** An execution as ListExecutions / DescribeExecution give it. */
export interface ExecutionRef {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
}

export interface ExecutionDescription extends ExecutionRef {
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** What the operations use cases need of Step Functions, the task store and the clock. */
export interface OpsPorts {
  /** The state machine ARN of each workflow. */
  readonly machines: Readonly<Record<Workflow, string>>;
  listExecutions(machineArn: string, options: { status?: ExecutionStatus; nextToken?: string; maxResults: number }): Promise<{ items: ExecutionRef[]; nextToken?: string }>;
  /** Undefined when there is no such execution. */
  describeExecution(executionArn: string): Promise<ExecutionDescription | undefined>;
  /** The whole history, in order. */
  history(executionArn: string): Promise<HistoryEventLike[]>;
  /** The history from the end back to (and including) the last state entered. */
  lastStateEvents(executionArn: string): Promise<HistoryEventLike[]>;
  definition(machineArn: string): Promise<string>;
  redrive(executionArn: string): Promise<Date>;
  /** Every task still marked pending (any role). */
  pendingTasks(): Promise<Task[]>;
  tasksOfExecution(executionArn: string): Promise<Task[]>;
  now(): Date;
}

export interface ListQuery {
  readonly workflow?: Workflow;
  readonly status?: ExecutionStatus;
  /** Only executions started in the last this many seconds. */
  readonly sinceSeconds?: number;
  readonly stuck?: boolean;
  readonly limit: number;
  /** Where this page starts (the cursor a previous page returned); the first page when absent. */
  readonly start?: ExecutionCursor;
}

/** A page of the stuck view scans at most this many executions, so a call stays well inside the API's 29 s. */
const MAX_SCANNED = 500;
const SFN_PAGE = 100;

function workflowOf(ports: OpsPorts, machineArn: string): Workflow {
  return WORKFLOWS.find((w) => ports.machines[w] === machineArn) ?? 'diagnostics';
}

/** The task store's subject types, as the contract's. */
const TASK_SUBJECT: Readonly<Record<string, Subject['type']>> = { 'arrest-packet': 'packet', 'access-request': 'request', approval: 'task', diagnostics: 'run' };

/** One execution summarized from its last step (or, given, its whole history). */
async function summarize(ports: OpsPorts, ref: ExecutionRef, steps?: StepRecord[]): Promise<ExecutionSummary> {
  const workflow = workflowOf(ports, ref.stateMachineArn);
  const base = {
    executionArn: ref.executionArn,
    workflow,
    machine: MACHINE_OF[workflow],
    name: ref.name,
    subject: subjectOf(workflow, ref.name),
    status: ref.status,
    startDate: ref.startDate.toISOString(),
    ...(ref.stopDate ? { stopDate: ref.stopDate.toISOString() } : {}),
  };
  if (ref.status === 'SUCCEEDED') return { ...base, stuck: false };
  const current = currentStep(steps ?? stepsOf(await ports.lastStateEvents(ref.executionArn)));
  if (!current) return { ...base, stuck: false };
  const state = statesOf(await ports.definition(ref.stateMachineArn)).get(current.state);
  const expected = expectedSeconds(state, { input: parseOrUndefined(current.input), enteredAt: current.enteredAt, scheduledTimeoutSeconds: current.scheduledTimeoutSeconds });
  return {
    ...base,
    currentState: current.state,
    currentSince: current.enteredAt.toISOString(),
    ...(expected !== undefined ? { expectedSeconds: expected } : {}),
    stuck: ref.status === 'RUNNING' && isStuck(expected, current.enteredAt, ports.now()),
  };
}

function parseOrUndefined(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Where the next page of executions starts (sealed into the list's `nextToken` by the API). */
export const ExecutionCursorSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    /** Index into the workflows listed. */
    w: z.number().check(z.int(), z.gte(0)),
    /** Step Functions' token for the page being read. */
    t: z.optional(z.string()),
    /** How many of that page were already returned. */
    o: z.number().check(z.int(), z.gte(0)),
  }),
);
export type ExecutionCursor = z.infer<typeof ExecutionCursorSchema>;

/**
 * Lists executions, newest first within each workflow:
 * 1. read each workflow's machine in turn (one, when a workflow is given), filtered by status;
 * 2. stop reading a machine at the first execution older than `since` (its list is newest first);
 * 3. summarize each (its current state, how long it has been there, whether that is too long);
 * 4. with `stuck`, keep only stuck ones (running by definition), scanning a bounded number.
 */
export async function listExecutions(ports: OpsPorts, q: ListQuery): Promise<{ items: ExecutionSummary[]; next?: ExecutionCursor }> {
  const workflows = q.workflow ? [q.workflow] : [...WORKFLOWS];
  const cutoff = q.sinceSeconds === undefined ? undefined : ports.now().getTime() - q.sinceSeconds * 1000;
  const status = q.stuck ? 'RUNNING' : q.status;
  const items: ExecutionSummary[] = [];
  let cursor: ExecutionCursor | undefined = q.start ?? { w: 0, o: 0 };
  let scanned = 0;
  while (cursor && cursor.w < workflows.length) {
    const workflow = workflows[cursor.w] as Workflow;
    const page: { items: ExecutionRef[]; nextToken?: string } = await ports.listExecutions(ports.machines[workflow], { status, nextToken: cursor.t, maxResults: SFN_PAGE }).catch((error: unknown) => {
      // Step Functions' own tokens expire (after a day): the list starts again from the top.
      if ((error as Error).name === 'InvalidToken') throw new ValidationFailed([{ field: 'nextToken', rule: 'has expired; list again from the first page' }]);
      throw error;
    });
    let offset = cursor.o;
    let machineDone = false;
    for (; offset < page.items.length; offset++) {
      if (items.length >= q.limit || scanned >= MAX_SCANNED) break;
      const ref = page.items[offset] as ExecutionRef;
      if (cutoff !== undefined && ref.startDate.getTime() < cutoff) {
        machineDone = true;
        break;
      }
      scanned++;
      const summary = await summarize(ports, ref);
      if (!q.stuck || summary.stuck) items.push(summary);
    }
    if (!machineDone && offset < page.items.length) {
      cursor = { w: cursor.w, t: cursor.t, o: offset };
      break;
    }
    cursor = !machineDone && page.nextToken ? { w: cursor.w, t: page.nextToken, o: 0 } : { w: cursor.w + 1, o: 0 };
    if (items.length >= q.limit || scanned >= MAX_SCANNED) break;
  }
  const more = cursor && cursor.w < workflows.length;
  return { items, ...(more && cursor ? { next: cursor } : {}) };
}

/** Candidate execution names for a packet id: `<id>-v<n>` for each version, `…-g<n>` for continuations. */
async function packetExecutions(ports: OpsPorts, packetId: string): Promise<ExecutionDescription[]> {
  const machine = ports.machines.arrest;
  const arnOf = (name: string) => `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
  const found: ExecutionDescription[] = [];
  // Versions are numbered from 1 without gaps; each continuation from 2 (g1 is the version's own run).
  for (let v = 1; v <= 100; v++) {
    const version = await ports.describeExecution(arnOf(`${packetId}-v${v}`));
    if (!version) break;
    found.push(version);
    for (let g = 1; g <= 100; g++) {
      const generation = await ports.describeExecution(arnOf(`${packetId}-v${v}-g${g}`));
      if (generation) found.push(generation);
      else if (g > 1) break;
    }
  }
  return found;
}

async function requestExecutions(ports: OpsPorts, requestId: string): Promise<ExecutionDescription[]> {
  const machine = ports.machines.access;
  const arnOf = (name: string) => `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
  const first = await ports.describeExecution(arnOf(requestId));
  if (!first) return [];
  const found = [first];
  // Reissues are numbered from 2 (the first password was issue 1).
  for (let n = 2; n <= 100; n++) {
    const reissue = await ports.describeExecution(arnOf(`${requestId}-reissue-${n}`));
    if (!reissue) break;
    found.push(reissue);
  }
  return found;
}

/** The rule an id must meet: an execution ARN, or an execution, packet or request name. */
export const ID_RULE = 'must be a packet id (ap-…), an access request id (AR-…), an execution name or an execution ARN';
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:[A-Za-z0-9_-]{1,80}$/;
const NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** A malformed id names nothing: 404, as every API answers one, with the rule for the operator. */
const malformed = () => new NotFound(`No execution is known by that id: an id ${ID_RULE}`);

/**
 * Finds the executions an operator means by an id, newest first:
 * 1. an execution ARN is that execution (if it is one of this application's machines);
 * 2. a packet id is every version and continuation of the packet;
 * 3. an access request id is the request and its reissues;
 * 4. anything else is tried as an execution name on each machine.
 */
export async function resolveExecutions(ports: OpsPorts, id: string): Promise<ExecutionDescription[]> {
  let found: ExecutionDescription[];
  if (id.startsWith('arn:')) {
    if (!EXECUTION_ARN.test(id)) throw malformed();
    const machineArn = id.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, '');
    if (!Object.values(ports.machines).includes(machineArn)) throw new NotFound(`No execution ${id} in this application`);
    const one = await ports.describeExecution(id);
    found = one ? [one] : [];
  } else if (!NAME.test(id)) {
    throw malformed();
  } else if (PACKET_ID.test(id)) {
    found = await packetExecutions(ports, id);
  } else if (REQUEST_ID.test(id)) {
    found = await requestExecutions(ports, id);
  } else {
    const tries = await Promise.all(WORKFLOWS.map((w) => ports.describeExecution(`${ports.machines[w].replace(':stateMachine:', ':execution:')}:${id}`)));
    found = tries.filter((e): e is ExecutionDescription => e !== undefined);
  }
  if (found.length === 0) throw new NotFound(`No execution, arrest packet or access request is known by ${id}`);
  return found.sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
}

function pendingTaskView(task: Task, now: Date, mode: RedactMode): PendingTask {
  const since = new Date(task.createdAt);
  return {
    taskId: task.taskId,
    workflow: task.workflow,
    step: task.step,
    executionArn: task.executionArn,
    // The title names people (an employee, an arrestee's incident): shown only when revealed.
    subject: { type: TASK_SUBJECT[task.subject.type] ?? 'task', id: task.subject.id, title: mode === 'reveal' ? task.subject.title : `${task.workflow} ${task.step} for ${task.subject.type} ${task.subject.id}` },
    assignee: { role: task.assignee.role, ...(task.assignee.ori ? { ori: task.assignee.ori } : {}), email: task.assignee.email },
    since: since.toISOString(),
    ageSeconds: Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000)),
    expiresAt: task.expiresAt,
  };
}

/**
 * The execution an id names, with its timeline:
 * 1. resolve the id (the newest execution is shown; the subject's others are listed);
 * 2. read its whole history and its machine's definition;
 * 3. build the timeline, redacting inputs and outputs unless revealed;
 * 4. add the human task it waits on, if any.
 */
export async function showExecution(ports: OpsPorts, id: string, mode: RedactMode): Promise<ExecutionDetail> {
  const [latest, ...others] = await resolveExecutions(ports, id);
  if (!latest) throw new NotFound(`No execution is known by ${id}`);
  const [events, definition, tasks] = await Promise.all([ports.history(latest.executionArn), ports.definition(latest.stateMachineArn), ports.tasksOfExecution(latest.executionArn)]);
  const steps = stepsOf(events);
  const summary = await summarize(ports, latest, steps);
  const failure = latest.status === 'RUNNING' || latest.status === 'SUCCEEDED' ? undefined : (executionFailure(events) ?? { error: latest.error, cause: latest.cause });
  const now = ports.now();
  const pending = tasks.find((t) => standing(t, now) === 'pending');
  return {
    ...summary,
    definition,
    path: steps.map((s) => s.state),
    timeline: timelineOf(steps, mode),
    ...(failure?.error !== undefined ? { error: failure.error } : {}),
    ...(failure?.cause !== undefined ? { cause: redactCause(failure.cause, mode) } : {}),
    input: redactJson(latest.input, mode),
    ...(latest.output !== undefined ? { output: redactJson(latest.output, mode) } : {}),
    ...(pending ? { pendingTask: pendingTaskView(pending, now, mode) } : {}),
    revealed: mode === 'reveal',
    otherExecutions: await Promise.all(others.map((o) => summarize(ports, o))),
  };
}

/** Human tasks still waiting, oldest first; with `olderThanSeconds`, only those waiting longer. */
export async function pendingTasks(ports: OpsPorts, olderThanSeconds?: number): Promise<PendingTask[]> {
  const now = ports.now();
  return (await ports.pendingTasks())
    .filter((t) => standing(t, now) === 'pending')
    .map((t) => pendingTaskView(t, now, 'redact'))
    .filter((t) => olderThanSeconds === undefined || t.ageSeconds >= olderThanSeconds)
    .sort((a, b) => a.since.localeCompare(b.since) || a.taskId.localeCompare(b.taskId));
}

/**
 * Runs a failed, timed-out or aborted execution again from the state where it stopped:
 * 1. resolve the id to its newest execution;
 * 2. refuse one that is running or succeeded (409, saying its status);
 * 3. RedriveExecution, and answer the execution as it now stands.
 */
export async function redriveExecution(ports: OpsPorts, id: string): Promise<RedriveResult> {
  const [latest] = await resolveExecutions(ports, id);
  if (!latest) throw new NotFound(`No execution is known by ${id}`);
  if (!isRedrivable(latest.status)) {
    throw new Conflict(`${latest.name} is ${latest.status}; only a FAILED, TIMED_OUT or ABORTED execution can be redriven`);
  }
  const redriveDate = await ports.redrive(latest.executionArn);
  const now = (await ports.describeExecution(latest.executionArn)) ?? { ...latest, status: 'RUNNING' as const };
  return { execution: await summarize(ports, now), redriveDate: redriveDate.toISOString() };
}
