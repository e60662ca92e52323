import { AuditSubject, type AuditEvent, type AuditSource } from '#shared/audit';
import type { TaskStore } from '#shared/adapters/task-store';
import { COURT_ROLE } from '#shared/courts';
import { NotFound } from '#shared/errors';
import type { Caller } from '#shared/http';
import { correlate, correlationKeysOf } from '#shared/observability';
import { DECIDER_ROLES, type Role } from '#shared/roles';
import { mayDecide, standing, type Task } from '../domain/task';
import { decideTask, refusalOf, type TaskPorts } from '../domain/use-cases';

/**
 * The human tasks on the authenticated API: the same decisions as the e-mailed links, for callers
 * with a token; a task is only for its role (and agency, or court).
 */

/** Deciding roles whose tasks are assigned per agency: such a caller's list is that of their own ORI. */
const PER_AGENCY_DECIDERS: readonly Role[] = ['agency-admin'];

/** What the API use cases need on top of the task ports: a role's pending tasks, and the audit trail. */
export type TaskApiPorts = Omit<TaskPorts, 'store'> & {
  readonly store: TaskPorts['store'] & Pick<TaskStore, 'pendingFor'>;
  audit(event: AuditEvent): Promise<void>;
};

/** A request about one task: the caller, where from, and the id as the path gave it (undefined when malformed). */
export interface TaskRequest {
  readonly caller: Caller;
  readonly source: AuditSource;
  readonly taskId: string | undefined;
}

/** A task as the API shows it, standing as of `now`. */
export function taskView(task: Task, now: Date) {
  return {
    taskId: task.taskId,
    workflow: task.workflow,
    step: task.step,
    subject: task.subject,
    question: task.question,
    choices: task.choices,
    assignee: { role: task.assignee.role, ori: task.assignee.ori ?? null, court: task.assignee.court ?? null },
    status: standing(task, now).toUpperCase(),
    createdAt: task.createdAt,
    expiresAt: task.expiresAt,
    reminder: task.reminder,
    decision: task.decision ?? null,
    closedReason: task.closedReason ?? null,
  };
}
export type TaskView = ReturnType<typeof taskView>;

/**
 * GET /tasks: the caller's pending tasks, for each deciding role they hold: per agency for
 * agency deciders (none without an ORI), per court for court clerks, all of the role otherwise.
 */
export async function pendingTasks(caller: Caller, ports: { readonly store: Pick<TaskStore, 'pendingFor'>; now(): Date }): Promise<TaskView[]> {
  const lists = await Promise.all(
    caller.roles
      .filter((r): r is (typeof DECIDER_ROLES)[number] => (DECIDER_ROLES as readonly Role[]).includes(r))
      .map((role) => {
        if (PER_AGENCY_DECIDERS.includes(role)) return caller.ori ? ports.store.pendingFor(role, caller.ori) : Promise.resolve([]);
        if (role === COURT_ROLE) return Promise.all(caller.courts.map((court) => ports.store.pendingFor(role, court))).then((l) => l.flat());
        return ports.store.pendingFor(role);
      }),
  );
  const now = ports.now();
  return lists
    .flat()
    .filter((t) => standing(t, now) === 'pending')
    .map((t) => taskView(t, now));
}

/**
 * A task the caller may decide, or 404.
 * 1. a malformed id cannot name a task: answered as a missing one, without reading the table
 * 2. a missing task and another's (agency, court, role) are both audited and answered alike, so a
 *    task id reveals nothing
 */
async function visibleTask(request: TaskRequest, ports: Pick<TaskApiPorts, 'store' | 'audit'>): Promise<{ task: Task; sealedToken: string }> {
  const taskId = request.taskId ?? '';
  const actor = request.caller.username;
  const stored = taskId ? await ports.store.get(taskId) : undefined;
  if (!stored) {
    await ports.audit({ type: 'TaskRead', outcome: 'failure', actor, component: 'human-tasks', subject: AuditSubject.of('task', taskId || '(malformed)'), source: request.source, details: { taskId } });
    throw new NotFound(taskId ? `No task ${taskId}` : 'No such task');
  }
  correlate(correlationKeysOf(stored.task));
  if (!mayDecide(stored.task, request.caller)) {
    await ports.audit({ type: 'TaskRead', outcome: 'denied', actor, component: 'human-tasks', subject: AuditSubject.of(stored.task.subject.type, stored.task.subject.id), source: request.source, details: { taskId } });
    throw new NotFound(`No task ${taskId}`);
  }
  return stored;
}

/** GET /tasks/{taskId}: the task (404 for one the caller may not decide); the read is audited. */
export async function readTaskFor(request: TaskRequest, ports: Pick<TaskApiPorts, 'store' | 'audit' | 'now'>): Promise<TaskView> {
  const { task } = await visibleTask(request, ports);
  await ports.audit({ type: 'TaskRead', outcome: 'success', actor: request.caller.username, component: 'human-tasks', subject: AuditSubject.of(task.subject.type, task.subject.id), source: request.source, details: { taskId: task.taskId } });
  return taskView(task, ports.now());
}

/**
 * POST /tasks/{taskId}/decision.
 * 1. a task the caller may decide (404 otherwise), then the body
 * 2. decide it once (decideTask: the claim, then the workflow)
 * 3. each outcome that is not a decision becomes its error: decided already or not ready (409),
 *    expired or no longer awaited (410), a wrong choice (400 naming `choice`), the workflow
 *    unreachable (503, nothing recorded)
 */
export async function decideTaskFor(request: TaskRequest & { readonly body: () => { readonly choice: string; readonly comment?: string } }, ports: TaskApiPorts): Promise<TaskView> {
  const stored = await visibleTask(request, ports);
  const body = request.body();
  const result = await decideTask(stored.task, stored.sealedToken, body.choice, body.comment, { id: request.caller.username, channel: 'api', source: request.source }, ports);
  if (result.kind !== 'decided') throw refusalOf(result);
  return taskView(result.task, ports.now());
}
