import * as z from 'zod/mini';
import { AuditSubject } from '#shared/audit';
import { taskHandler } from '#shared/task';
import { ports, store } from './ports';
import { lazy } from '#shared/lazy';

const Input = /* @__PURE__ */ lazy(() => z.object({ workflow: z.string().check(z.minLength(1)), subjectId: z.string().check(z.minLength(1)), step: z.string().check(z.minLength(1)), reason: z._default(z.string().check(z.minLength(1)), 'no decision before the last reminder ran out') }));

/**
 * After the last reminder: closes the step's open task as EXPIRED, so its links say so, and
 * reports what it closed for the execution's visible end.
 */
export const handler = taskHandler(Input, async ({ workflow, subjectId, step, reason }) => {
  const current = await store.currentFor(workflow, subjectId, step);
  if (!current) return { taskId: null, status: 'NONE' };
  const { task } = current;
  if (task.status === 'PENDING') {
    await store.close(task.taskId, 'PENDING', 'EXPIRED', reason, {
      type: 'TaskExpired',
      outcome: 'success',
      actor: 'system',
      component: 'human-tasks',
      subject: AuditSubject.of(task.subject.type, task.subject.id),
      details: { taskId: task.taskId, workflow, step, reason, at: ports.now().toISOString() },
    });
  }
  return { taskId: task.taskId, status: 'EXPIRED' };
});
