import { z } from 'zod';
import { AuditSubject } from '#shared/audit';
import { taskHandler } from '#shared/task';
import { store } from './ports';

const StatusChange = z.object({
  source: z.literal('aws.states'),
  detail: z.object({ executionArn: z.string().min(1), status: z.enum(['ABORTED', 'FAILED', 'TIMED_OUT', 'SUCCEEDED', 'RUNNING']) }),
});

/** An execution ended: whatever human tasks it still had open are cancelled, so their links say so. */
export const handler = taskHandler(StatusChange, async ({ detail }) => {
  if (detail.status === 'RUNNING' || detail.status === 'SUCCEEDED') return { cancelled: 0 };
  let cancelled = 0;
  for (const taskId of await store.forExecution(detail.executionArn)) {
    const stored = await store.get(taskId);
    if (stored?.task.status !== 'PENDING') continue;
    const reason = `the workflow ${detail.status === 'ABORTED' ? 'was stopped' : detail.status === 'TIMED_OUT' ? 'timed out' : 'failed'}`;
    const closed = await store.close(taskId, 'PENDING', 'CANCELLED', reason, {
      type: 'TaskCancelled',
      outcome: 'success',
      actor: 'system',
      component: 'human-tasks',
      subject: AuditSubject.of(stored.task.subject.type, stored.task.subject.id),
      details: { taskId, executionStatus: detail.status },
    });
    if (closed) cancelled++;
  }
  return { cancelled };
});
