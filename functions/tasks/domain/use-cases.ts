import type { TransactItems } from '#shared/adapters/transactions';
import { AuditSubject, type AuditEvent } from '#shared/audit';
import { Conflict, Gone, TransientFailure, ValidationFailed, type AppError } from '#shared/errors';
import { linkUrl, signLink, verifyLink, type LinkClaims } from './links';
import { choiceProblem, standing, type Channel, type Choice, type Decision, type DecisionOutput, type NewTask, type Task, type TaskStatus } from './task';

/** What the use cases need from the outside world. */
export interface TaskPorts {
  readonly store: {
    get(taskId: string): Promise<{ task: Task; sealedToken: string } | undefined>;
    currentFor(workflow: string, subjectId: string, step: string): Promise<{ task: Task } | undefined>;
    /** Only while the step's current task is still `replaces` (none: the step has none yet); a condition failure otherwise. */
    create(task: Task, sealedToken: string, audit: AuditEvent, replaces?: string): Promise<void>;
    /** `alongside`: writes made with the decision, in its transaction (false when one of their conditions fails). */
    decide(taskId: string, decision: Decision, now: string, audit: AuditEvent, alongside?: Alongside): Promise<boolean>;
    close(taskId: string, from: TaskStatus, to: 'EXPIRED' | 'CANCELLED', reason: string, audit: AuditEvent): Promise<boolean>;
    reopen(task: Task, audit: AuditEvent): Promise<boolean>;
  };
  seal(token: string, taskId: string): Promise<string>;
  open(sealed: string, taskId: string): Promise<string>;
  /** Signals the waiting execution; throws `gone` when it no longer waits. */
  sendSuccess(token: string, output: DecisionOutput): Promise<void>;
  readonly gone: new (...args: never[]) => Error;
  now(): Date;
  newId(): string;
  /**
   * What must be done before this choice can be taken, in words for the decider, or nothing
   * (e.g. "verified" needs each training's CJIS Online record first). The task stays open.
   */
  readiness?(task: Task, choice: string): Promise<string | undefined>;
}

/** Writes made in the same transaction as a task's decision (a subject's change it records), with their audit events. */
export interface Alongside {
  readonly items: TransactItems;
  readonly audits: readonly AuditEvent[];
}

export interface TaskLink {
  readonly choice: Choice;
  readonly url: string;
}

export interface Actor {
  readonly id: string;
  readonly channel: Channel;
  readonly source?: { readonly ip?: string; readonly userAgent?: string };
}

const COMPONENT = 'human-tasks';

function audit(type: string, task: Pick<Task, 'taskId' | 'workflow' | 'step' | 'subject'>, actor: string, outcome: AuditEvent['outcome'], extra: Record<string, string | number | boolean | null> = {}, source?: Actor['source']): AuditEvent {
  return {
    type,
    outcome,
    actor,
    component: COMPONENT,
    subject: AuditSubject.of(task.subject.type, task.subject.id),
    source,
    details: { taskId: task.taskId, workflow: task.workflow, step: task.step, ...extra },
  };
}

/**
 * Opens a human task for a waiting execution.
 * 1. close the step's previous task if still open (a reminder, or a retry of the step, replaces
 *    it; its links expire), saying which. `first`: the step's first opening reads no previous
 *    task
 * 2. seal the task token with KMS, bound to the new task id
 * 3. store the task PENDING until now + timeout, with its audit event, on condition that the
 *    step's current task is still the previous one read (none, with `first`); else the store
 *    throws a condition failure, and the caller reads again
 * 4. sign one link per choice, for the e-mail
 */
export async function openTask(input: NewTask, ports: TaskPorts & { linkKey: Buffer; baseUrl: string }, options: { readonly first?: boolean } = {}): Promise<{ task: Task; links: TaskLink[] }> {
  const now = ports.now();
  const previous = options.first ? undefined : await ports.store.currentFor(input.workflow, input.subject.id, input.step);
  if (previous && previous.task.status === 'PENDING') {
    const reason = replacedBecause(previous.task, input);
    await ports.store.close(previous.task.taskId, 'PENDING', 'EXPIRED', reason, audit('TaskExpired', previous.task, 'system', 'success', { reason }));
  }
  const taskId = ports.newId();
  const task: Task = {
    taskId,
    workflow: input.workflow,
    step: input.step,
    executionArn: input.executionArn,
    subject: input.subject,
    assignee: input.assignee,
    question: input.question,
    choices: input.choices,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.timeoutSeconds * 1000).toISOString(),
    status: 'PENDING',
    reminder: input.reminder,
    maxReminders: input.maxReminders,
  };
  const sealed = await ports.seal(input.taskToken, taskId);
  await ports.store.create(task, sealed, audit('TaskCreated', task, 'system', 'success', { assigneeRole: task.assignee.role, reminder: task.reminder }), previous?.task.taskId);
  const links = task.choices.map((c) => ({ choice: c, url: linkFor(task, c, ports.linkKey, ports.baseUrl) }));
  return { task, links };
}

/**
 * Why a step's open task is replaced. A higher reminder number is the workflow's reminder; the
 * same number is the same request again: the step was retried (its Lambda failed or timed out
 * after recording the task), so the person is asked once more, not reminded.
 */
export function replacedBecause(previous: Pick<Task, 'reminder'>, next: Pick<NewTask, 'reminder'>): string {
  if (next.reminder > previous.reminder) return 'replaced by a reminder';
  if (next.reminder === previous.reminder) return 'replaced: the step was retried';
  return 'replaced: the step was asked again';
}

export function claimsFor(task: Task, choice: string): LinkClaims {
  return { taskId: task.taskId, choice, assignee: task.assignee.email, expires: Math.floor(Date.parse(task.expiresAt) / 1000) };
}

function linkFor(task: Task, choice: Choice, key: Buffer, baseUrl: string): string {
  const claims = claimsFor(task, choice.id);
  return linkUrl(baseUrl, claims, signLink(key, claims), choice.page ? { path: choice.page, subjectId: task.subject.id } : undefined);
}

/** Whether a link (choice, expiry, signature) was made by us for this task and its assignee. */
export function linkIsGenuine(task: Task, choice: string, expires: string | undefined, signature: string | undefined, key: Buffer): boolean {
  if (!signature || !expires || !/^\d+$/.test(expires)) return false;
  const claims = claimsFor(task, choice);
  return String(claims.expires) === expires && verifyLink(key, claims, signature);
}

export type DecideResult =
  | { readonly kind: 'decided'; readonly task: Task; readonly decision: Decision }
  | { readonly kind: 'already-decided'; readonly task: Task }
  | { readonly kind: 'expired'; readonly task: Task }
  | { readonly kind: 'cancelled'; readonly task: Task }
  | { readonly kind: 'invalid'; readonly task: Task; readonly problem: string }
  | { readonly kind: 'not-ready'; readonly task: Task; readonly problem: string }
  | { readonly kind: 'unavailable'; readonly task: Task };

/**
 * A decision that did not go through, as the error its caller answers, the same whoever decided
 * (the task API, the training verification, the exam result): decided already or not ready (409),
 * expired or no longer awaited (410), a wrong choice (400 naming `choice`), and the workflow
 * unreachable or the claim raced by another (503: nothing was decided, and sending it again may).
 */
export function refusalOf(result: Exclude<DecideResult, { kind: 'decided' }>): AppError {
  switch (result.kind) {
    case 'already-decided':
      return new Conflict(`Already decided (${result.task.decision?.choice}) by ${result.task.decision?.decidedBy} at ${result.task.decision?.decidedAt}`);
    case 'expired':
      return new Gone(`The task expired at ${result.task.expiresAt}`);
    case 'cancelled':
      return new Gone(`The workflow no longer waits for this decision${result.task.closedReason ? ` (${result.task.closedReason})` : ''}`);
    case 'invalid':
      return new ValidationFailed([{ field: 'choice', rule: result.problem }]);
    case 'not-ready':
      return new Conflict(result.problem);
    case 'unavailable':
      return new TransientFailure('The decision could not be handed to the workflow; it was not recorded. Try again.');
  }
}

/**
 * Decides a task, once.
 * 1. refuse what cannot be decided: already decided, expired, cancelled, a wrong choice
 * 2. claim the decision with one conditional write (PENDING and unexpired → DECIDED) + audit,
 *    and `alongside` (what the decider records with it) in the same transaction: both or neither
 * 3. only then hand the decision to the waiting execution
 * 4. the execution has gone → the task is CANCELLED; a transient failure → the claim is undone
 *    (the task is PENDING again), so nothing is left half-decided
 * 5. a task found decided is handed to the execution once more before the 409: a decider that
 *    stopped between its claim and 3 (a Lambda that timed out, a runtime killed) left the
 *    execution waiting on a decision it never got, and the decider's retry is what can finish it.
 *    SendTaskSuccess on a task already completed is refused (the execution has it), so this
 *    never decides twice
 */
export async function decideTask(task: Task, sealedToken: string, choice: string, comment: string | undefined, actor: Actor, ports: TaskPorts, alongside?: Alongside): Promise<DecideResult> {
  const now = ports.now();
  const current = standing(task, now);
  if (current === 'decided') {
    // Delivered before (the execution refuses it), or the workflow is unreachable: a later retry may try again.
    if (task.decision) await handOver(task, task.decision, sealedToken, ports).catch(() => undefined);
    return { kind: 'already-decided', task };
  }
  if (current === 'cancelled') return { kind: 'cancelled', task };
  if (current === 'expired') return { kind: 'expired', task };
  const problem = choiceProblem(task, choice, comment);
  if (problem) return { kind: 'invalid', task, problem };
  const notReady = await ports.readiness?.(task, choice);
  if (notReady) return { kind: 'not-ready', task, problem: notReady };

  const decision: Decision = { choice, comment: comment?.trim() || undefined, decidedBy: actor.id, decidedAt: now.toISOString(), channel: actor.channel };
  const claimed = await ports.store.decide(task.taskId, decision, now.toISOString(), audit('TaskDecided', task, actor.id, 'success', { choice, channel: actor.channel }, actor.source), alongside);
  if (!claimed) {
    const fresh = (await ports.store.get(task.taskId))?.task ?? task;
    const after = standing(fresh, ports.now());
    if (after === 'decided') return { kind: 'already-decided', task: fresh };
    if (after === 'cancelled') return { kind: 'cancelled', task: fresh };
    if (after === 'expired') return { kind: 'expired', task: fresh };
    // Still open: another decision was claimed and then undone in between, or what `alongside`
    // records changed since the caller read it (nothing was written). Worth a retry.
    return { kind: 'unavailable', task: fresh };
  }
  const decided: Task = { ...task, status: 'DECIDED', decision };
  try {
    await handOver(task, decision, sealedToken, ports);
  } catch (error) {
    if (error instanceof ports.gone) {
      await ports.store.close(task.taskId, 'DECIDED', 'CANCELLED', 'the workflow no longer waits for this decision', audit('TaskCancelled', task, 'system', 'success', { reason: 'workflow gone' }));
      return { kind: 'cancelled', task: { ...decided, status: 'CANCELLED', closedReason: 'the workflow no longer waits for this decision' } };
    }
    await ports.store.reopen(decided, audit('TaskDecisionUndone', task, 'system', 'failure', { reason: 'workflow could not be signalled' }));
    return { kind: 'unavailable', task };
  }
  return { kind: 'decided', task: decided, decision };
}

/** Hands a decision to the execution waiting on the task. */
async function handOver(task: Task, decision: Decision, sealedToken: string, ports: TaskPorts): Promise<void> {
  const output: DecisionOutput = { taskId: task.taskId, decision: decision.choice, comment: decision.comment ?? null, decidedBy: decision.decidedBy, decidedAt: decision.decidedAt, channel: decision.channel };
  await ports.sendSuccess(await ports.open(sealedToken, task.taskId), output);
}
