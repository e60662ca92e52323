import { routes } from '#infra/manifest';
import { z } from 'zod';
import { AuditSubject, recordAudit, sourceOf } from '#shared/audit';
import { Conflict, Gone, NotFound, TransientFailure, ValidationFailed } from '#shared/errors';
import { wellFormedId } from '#shared/ids';
import { COURT_ROLE } from '#shared/courts';
import { type ApiEvent, apiHandler, type Caller, json, parseJsonBody } from '#shared/http';
import { correlate, correlationKeysOf } from '#shared/observability';
import { DECIDER_ROLES, type Role } from '#shared/roles';
import { mayDecide, standing, type Task } from './domain/task';
import { decideTask } from './domain/use-cases';
import { ports, store } from './ports';

/** Deciding roles whose tasks belong to one agency. */
const AGENCY_ROLES: readonly Role[] = ['agency-admin'];

const DecisionBody = z.object({
  choice: z.string().min(1),
  comment: z.string().max(2000).optional(),
});

function view(task: Task) {
  return {
    taskId: task.taskId,
    workflow: task.workflow,
    step: task.step,
    subject: task.subject,
    question: task.question,
    choices: task.choices,
    assignee: { role: task.assignee.role, ori: task.assignee.ori ?? null, court: task.assignee.court ?? null },
    status: standing(task, ports.now()).toUpperCase(),
    createdAt: task.createdAt,
    expiresAt: task.expiresAt,
    reminder: task.reminder,
    decision: task.decision ?? null,
    closedReason: task.closedReason ?? null,
  };
}

async function load(event: ApiEvent): Promise<{ task: Task; sealedToken: string }> {
  // A malformed id cannot name a task: answered as a missing one, without reading the table.
  const taskId = wellFormedId('task', event.pathParameters?.['taskId']) ?? '';
  const stored = taskId ? await store.get(taskId) : undefined;
  if (!stored) {
    // Audited as another's task is, so that both take the same work and answer.
    await recordAudit({ type: 'TaskRead', outcome: 'failure', actor: event.caller.username, component: 'human-tasks', subject: AuditSubject.of('task', taskId || '(malformed)'), source: sourceOf(event), details: { taskId } });
    throw new NotFound(taskId ? `No task ${taskId}` : 'No such task');
  }
  correlate(correlationKeysOf(stored.task));
  if (!mayDecide(stored.task, event.caller)) {
    await recordAudit({ type: 'TaskRead', outcome: 'denied', actor: event.caller.username, component: 'human-tasks', subject: AuditSubject.of(stored.task.subject.type, stored.task.subject.id), source: sourceOf(event), details: { taskId } });
    // Answered exactly as a missing task, so a task id reveals nothing to another agency, court or role.
    throw new NotFound(`No task ${taskId}`);
  }
  return stored;
}


async function pendingFor(caller: Caller): Promise<Task[]> {
  const lists = await Promise.all(
    caller.roles
      .filter((r): r is (typeof DECIDER_ROLES)[number] => (DECIDER_ROLES as readonly Role[]).includes(r))
      .map((role) => {
        if (AGENCY_ROLES.includes(role)) return caller.ori ? store.pendingFor(role, caller.ori) : Promise.resolve([]);
        if (role === COURT_ROLE) return Promise.all(caller.courts.map((court) => store.pendingFor(role, court))).then((l) => l.flat());
        return store.pendingFor(role);
      }),
  );
  return lists.flat().filter((t) => standing(t, ports.now()) === 'pending');
}

/**
 * GET /tasks, GET /tasks/{taskId}, POST /tasks/{taskId}/decision: the same decisions as the
 * e-mailed links, for callers with a token; a task is only for its role (and agency, or court).
 */
export const handler = apiHandler(async (event) => {
  if (event.resource === '/tasks') {
    const tasks = await pendingFor(event.caller);
    return json(200, { tasks: tasks.map(view) });
  }
  const stored = await load(event);
  if (event.httpMethod === 'GET') {
    await recordAudit({ type: 'TaskRead', outcome: 'success', actor: event.caller.username, component: 'human-tasks', subject: AuditSubject.of(stored.task.subject.type, stored.task.subject.id), source: sourceOf(event), details: { taskId: stored.task.taskId } });
    return json(200, view(stored.task));
  }
  const body = parseJsonBody(event, DecisionBody);
  const result = await decideTask(stored.task, stored.sealedToken, body.choice, body.comment, { id: event.caller.username, channel: 'api', source: sourceOf(event) }, ports);
  switch (result.kind) {
    case 'decided':
      return json(200, view(result.task));
    case 'already-decided':
      throw new Conflict(`Already decided (${result.task.decision?.choice}) by ${result.task.decision?.decidedBy} at ${result.task.decision?.decidedAt}`);
    case 'expired':
      throw new Gone(`The task expired at ${result.task.expiresAt}`);
    case 'cancelled':
      throw new Gone(`The workflow no longer waits for this decision${result.task.closedReason ? ` (${result.task.closedReason})` : ''}`);
    case 'invalid':
      throw new ValidationFailed([{ field: 'choice', rule: result.problem }]);
    case 'not-ready':
      throw new Conflict(result.problem);
    case 'unavailable':
      throw new TransientFailure('The decision could not be handed to the workflow; it was not recorded. Try again.');
  }
}, { routes, courtScoped: true });
