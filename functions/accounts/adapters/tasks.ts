import { AuditSubject } from '#shared/audit';
import { escapeHtml } from '#shared/html';
import { TaskStore } from '#shared/adapters/task-store';
import { writeWithAudit } from '#shared/adapters/transactions';
import { DECIDER_ROLES, type Role } from '#shared/roles';
import type { ReassignTasks, Send } from '../ports';

/**
 * Open human tasks assigned to a person's e-mail go to another person (the administrator who
 * removed the account): the task's assignee changes, so the links e-mailed to the leaver (their
 * signature covers the assignee) stop working, and the new assignee is e-mailed the task's page.
 * Each change is conditional (still PENDING, still the leaver's) with its audit event on the
 * task's subject (`TaskReassigned`).
 */
export function reassignTasksOn(tableName: string, send: Send, portalUrl?: string): ReassignTasks {
  const tasks = new TaskStore(tableName);
  return async (from, to, actor) => {
    const roles = DECIDER_ROLES.filter((r) => from.roles.includes(r)) as Role[];
    const moved: string[] = [];
    for (const role of roles) {
      for (const task of await tasks.pendingFor(role, from.ori)) {
        if (task.assignee.email.toLowerCase() !== from.email.toLowerCase()) continue;
        const written = await writeWithAudit(
          [
            {
              Update: {
                TableName: tableName,
                Key: { pk: `TASK#${task.taskId}`, sk: 'TASK' },
                UpdateExpression: 'SET assignee.email = :to',
                ConditionExpression: '#status = :pending AND assignee.email = :from',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':to': to, ':from': task.assignee.email, ':pending': 'PENDING' },
              },
            },
          ],
          { type: 'TaskReassigned', outcome: 'success', actor, component: 'ciss-accounts', subject: AuditSubject.of(task.subject.type, task.subject.id), details: { taskId: task.taskId, fromAccount: from.accountId, reason: 'removed' } },
        );
        if (!written) continue;
        moved.push(task.taskId);
        const page = portalUrl ? `${portalUrl}#/tasks/${task.taskId}` : undefined;
        const lines = [`A task assigned to a removed account is now yours: ${task.question}`, page ? `Open it in the portal: ${page}` : `Task ${task.taskId} (GET /tasks/${task.taskId})`];
        await send({ to: [to], subject: `Task handed to you: ${task.question.slice(0, 80)}`, text: lines.join('\n'), html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') });
      }
    }
    return moved;
  };
}
